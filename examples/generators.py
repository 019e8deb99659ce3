"""Averaging sensor readings with a delegating generator (course §12.6)."""

from contextlib import contextmanager


def averager():
    total = 0.0
    count = 0
    average = None
    while True:
        reading = yield
        if reading is None:
            return average
        total += reading
        count += 1
        average = total / count


def delegate(results, key):
    while True:
        results[key] = yield from averager()


def countdown(n):
    while n > 0:
        yield n
        n -= 1


@contextmanager
def announced(label):
    print("start", label)
    try:
        yield label.upper()
    finally:
        print("end", label)


def main(data):
    results = {}
    for key, values in data.items():
        group = delegate(results, key)
        next(group)
        for value in values:
            group.send(value)
        group.send(None)
    with announced("report") as title:
        print(title, results)
    print(list(countdown(3)))


if __name__ == "__main__":
    main({"kitchen": [20.5, 21.0, 22.1], "garage": [12.0, 11.5]})
