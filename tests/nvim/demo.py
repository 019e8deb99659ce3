def averager():
    total = 0
    while True:
        value = yield
        if value is None:
            return total
        total += value


def delegate(results, key):
    while True:
        results[key] = yield from averager()


def add(item, bucket=[]):
    bucket.append(item)
    return bucket
