; Chapter 3: magic methods. Contract: src/analysis/explain.rs.
; Each `def __xxx__` gets its own sentence: the key `dunder-{anchor}` becomes
; `dunder-__radd__` etc., so every name listed below needs a `dunder-NAME`
; line in knowledge/en/context-ch03.txt and knowledge/zh/context-ch03.txt.
; Already in 00-foundation.scm: __getattr__ __getattribute__ __get__ __set__
; __delete__ __set_name__ __new__.

; ---------------------------------------------------------- §3.1 representation
((function_definition name: (identifier) @anchor) @construct
  (#any-of? @anchor "__repr__" "__str__" "__format__" "__bytes__")
  (#set! note "magic-methods") (#set! level "core") (#set! context "dunder-{anchor}"))

; ---------------------------------------------------------- §3.3 the other protocols
; __call__ in a metaclass (a class deriving from `type`): calling its classes.
((class_definition
   superclasses: (argument_list (identifier) @_base)
   body: (block
     [(function_definition name: (identifier) @anchor) @construct
      (decorated_definition definition: (function_definition name: (identifier) @anchor) @construct)]))
  (#eq? @_base "type") (#eq? @anchor "__call__")
  (#set! note "magic-methods-overview") (#set! level "core") (#set! context "ch03-metaclass-call"))

((function_definition name: (identifier) @anchor) @construct
  (#any-of? @anchor
    ; comparison
    "__lt__" "__le__" "__eq__" "__ne__" "__gt__" "__ge__"
    ; arithmetic
    "__add__" "__sub__" "__mul__" "__matmul__" "__truediv__" "__floordiv__" "__mod__"
    "__divmod__" "__pow__"
    ; reflected
    "__radd__" "__rsub__" "__rmul__" "__rmatmul__" "__rtruediv__" "__rfloordiv__"
    "__rmod__" "__rdivmod__" "__rpow__" "__rlshift__" "__rrshift__" "__rand__"
    "__rxor__" "__ror__"
    ; in-place (__iadd__ is §5.3)
    "__isub__" "__imul__" "__imatmul__" "__itruediv__" "__ifloordiv__" "__imod__"
    "__ipow__" "__ilshift__" "__irshift__" "__iand__" "__ixor__" "__ior__"
    ; unary
    "__neg__" "__pos__" "__abs__" "__invert__"
    ; bitwise
    "__lshift__" "__rshift__" "__and__" "__xor__" "__or__"
    ; conversions
    "__bool__" "__int__" "__float__" "__complex__" "__index__" "__round__"
    "__trunc__" "__floor__" "__ceil__"
    ; containers, calling, classes
    "__call__" "__contains__" "__setitem__" "__delitem__" "__reversed__"
    "__length_hint__" "__dir__" "__class_getitem__" "__instancecheck__"
    "__subclasscheck__" "__prepare__" "__mro_entries__" "__buffer__"
    "__release_buffer__")
  (#set! note "magic-methods-overview") (#set! level "core") (#set! context "dunder-{anchor}"))

; __getitem__ that does not handle slices: x[key]
((function_definition name: (identifier) @anchor) @construct
  (#eq? @anchor "__getitem__")
  (#set! note "magic-methods-overview") (#set! level "core") (#set! context "dunder-{anchor}")
  (#set! requires "no-slice"))

; ---------------------------------------------------------- §3.4 __len__
((function_definition name: (identifier) @anchor) @construct
  (#eq? @anchor "__len__")
  (#set! note "len-matters") (#set! level "core") (#set! context "dunder-{anchor}"))

; ---------------------------------------------------------- §5.4 __getitem__ with slices
((function_definition name: (identifier) @anchor) @construct
  (#eq? @anchor "__getitem__")
  (#set! note "slicing") (#set! level "core") (#set! context "ch03-getitem-slice")
  (#set! requires "handles-slice"))

; ---------------------------------------------------------- §9.2 __iter__, __next__
((function_definition name: (identifier) @anchor) @construct
  (#any-of? @anchor "__iter__" "__next__")
  (#set! note "iterators-vs-iterables") (#set! level "core") (#set! context "dunder-{anchor}"))

; ---------------------------------------------------------- §4.11 __enter__, __exit__
((function_definition name: (identifier) @anchor) @construct
  (#any-of? @anchor "__enter__" "__exit__")
  (#set! note "with-statement") (#set! level "core") (#set! context "dunder-{anchor}"))

; ---------------------------------------------------------- §6.5 __hash__
((function_definition name: (identifier) @anchor) @construct
  (#eq? @anchor "__hash__")
  (#set! note "hashing-performance") (#set! level "core") (#set! context "dunder-{anchor}"))

; ---------------------------------------------------------- §5.3 __iadd__
((function_definition name: (identifier) @anchor) @construct
  (#eq? @anchor "__iadd__")
  (#set! note "list-concat-extend") (#set! level "core") (#set! context "dunder-{anchor}"))

; ---------------------------------------------------------- §6.3 __missing__
((function_definition name: (identifier) @anchor) @construct
  (#eq? @anchor "__missing__")
  (#set! note "dict-subclasses") (#set! level "core") (#set! context "dunder-{anchor}"))

; ---------------------------------------------------------- §7.3 __del__
((function_definition name: (identifier) @anchor) @construct
  (#eq? @anchor "__del__")
  (#set! note "del-and-gc") (#set! level "core") (#set! context "dunder-{anchor}"))

; ---------------------------------------------------------- §8.2 __setattr__, __delattr__
((function_definition name: (identifier) @anchor) @construct
  (#any-of? @anchor "__setattr__" "__delattr__")
  (#set! note "getattr-getattribute") (#set! level "core") (#set! context "dunder-{anchor}"))

; ---------------------------------------------------------- §8.4 __init__
((function_definition name: (identifier) @anchor) @construct
  (#eq? @anchor "__init__")
  (#set! note "new-vs-init") (#set! level "everyday") (#set! context "dunder-{anchor}"))

; ---------------------------------------------------------- §8.5 __init_subclass__
((function_definition name: (identifier) @anchor) @construct
  (#eq? @anchor "__init_subclass__")
  (#set! note "metaclasses") (#set! level "core") (#set! context "dunder-{anchor}"))

; ---------------------------------------------------------- §12.8 async protocols
; The construct is the name itself, so that this beats the generic `async def`
; pattern of 00-foundation.scm on `async def __aenter__`.
((function_definition name: (identifier) @anchor @construct)
  (#any-of? @anchor "__await__" "__aiter__" "__anext__" "__aenter__" "__aexit__")
  (#set! note "async-await") (#set! level "core") (#set! context "dunder-{anchor}"))

; ---------------------------------------------------------- §3.2 the sequence protocol
; A class defining both __len__ and __getitem__: on the class name.
; (A code predicate: a query listing two sibling methods is quadratic in the
; number of methods of the class.)
((class_definition
   name: (identifier) @anchor) @construct
  (#set! requires "class-defines:__len__+__getitem__")
  (#set! note "data-model") (#set! level "core") (#set! context "ch03-sequence-protocol"))

; ---------------------------------------------------------- §3.3 return NotImplemented
((return_statement (identifier) @anchor) @construct
  (#eq? @anchor "NotImplemented")
  (#set! note "magic-methods-overview") (#set! level "core") (#set! context "ch03-return-notimplemented")
  (#set! resolves "builtins.NotImplemented"))
