; Chapter 5 (sequences) triggers, plus the §7.4 mutable-default patterns: those
; come first so that they beat the §5.7 comprehension and §6.4 set-literal
; patterns, whose construct (the literal) has the same size.

; ---------------------------------------------------- §7.4 mutable default argument
; A literal or comprehension as a default value: `def add(item, bucket=[])`.
; (No @construct: it defaults to the @anchor, and a node takes at most three
; captures; @range keeps a comprehension's whole text as the hover range.)
((default_parameter
   name: (identifier) @arg.param
   value: [(list) (dictionary) (set)
           (list_comprehension) (dictionary_comprehension) (set_comprehension)] @arg.value @anchor @range)
  (#set! note "mutable-default") (#set! level "core") (#set! context "ch7-mutable-default"))

((typed_default_parameter
   name: (identifier) @arg.param
   value: [(list) (dictionary) (set)
           (list_comprehension) (dictionary_comprehension) (set_comprehension)] @arg.value @anchor @range)
  (#set! note "mutable-default") (#set! level "core") (#set! context "ch7-mutable-default"))

; A call building a mutable object: `cache=dict()`, `seen=set()`, `q=deque()`.
((default_parameter
   name: (identifier) @arg.param
   value: (call function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @construct @arg.value)
  (#set! note "mutable-default") (#set! level "core") (#set! context "ch7-mutable-default")
  (#set! resolves "builtins.list,builtins.dict,builtins.set,builtins.bytearray,collections.defaultdict,collections.deque,collections.Counter,collections.OrderedDict"))

((typed_default_parameter
   name: (identifier) @arg.param
   value: (call function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @construct @arg.value)
  (#set! note "mutable-default") (#set! level "core") (#set! context "ch7-mutable-default")
  (#set! resolves "builtins.list,builtins.dict,builtins.set,builtins.bytearray,collections.defaultdict,collections.deque,collections.Counter,collections.OrderedDict"))

; ---------------------------------------------------------------- §5.2 sequence ABCs
; As a base class: `class Squares(Sequence):` (anchor: the base's name).
((class_definition
   superclasses: (argument_list
     [(identifier) @anchor @range
      (attribute attribute: (identifier) @anchor) @range
      (subscript value: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @range]) @construct)
  (#set! note "sequence-abcs") (#set! level "core") (#set! context "ch5-abc-base-{anchor}")
  (#set! resolves "collections.abc.Sequence,collections.abc.MutableSequence,collections.abc.Reversible,collections.abc.Collection,collections.abc.Sized,collections.abc.Container,typing.Sequence,typing.MutableSequence,typing.Reversible,typing.Collection,typing.Sized,typing.Container"))

; ---------------------------------------------------------------- §5.3 +, += and extend
; `items += [x, y]`: a list on the right, so the target is (in practice) a list.
((augmented_assignment
   left: (_) @arg.target
   operator: "+=" @anchor
   right: [(list) (list_comprehension)] @arg.rhs) @construct
  (#set! note "list-concat-extend") (#set! level "usage") (#set! context "ch5-list-iadd"))

; `nums += (7, 9)` where the model knows `nums` holds a list: `__iadd__`
; takes any iterable.
((augmented_assignment
   left: (_) @arg.target @receiver
   operator: "+=" @anchor
   right: (_) @arg.rhs) @construct
  (#set! note "list-concat-extend") (#set! level "usage") (#set! context "ch5-list-iadd")
  (#set! requires "receiver-is:builtins.list"))

; `a + [x]` / `[x] + a`: list concatenation builds a new list.
((binary_operator
   left: [(list) (list_comprehension)] @arg.left
   operator: "+" @anchor
   right: (_) @arg.right) @construct
  (#set! note "list-concat-extend") (#set! level "usage") (#set! context "ch5-list-add"))

((binary_operator
   left: (_) @arg.left
   operator: "+" @anchor
   right: [(list) (list_comprehension)] @arg.right) @construct
  (#set! note "list-concat-extend") (#set! level "usage") (#set! context "ch5-list-add"))

; ---------------------------------------------------------------- §5.4 slicing
; Anchors: the colons and the plain bounds of a single slice, `a[i:j:k]`.
; `del a[i:j]`
((delete_statement
   (subscript
     value: (_) @arg.value .
     subscript: (slice [":" (integer) (unary_operator (integer)) (identifier)] @anchor) @arg.slice .) @construct)
  (#set! note "slicing") (#set! level "usage") (#set! context "ch5-slice-del"))

; `a[i:j] = items`
((assignment
   left: (subscript
     value: (_) @arg.value .
     subscript: (slice [":" (integer) (unary_operator (integer)) (identifier)] @anchor) @arg.slice .) @construct)
  (#set! note "slicing") (#set! level "usage") (#set! context "ch5-slice-set"))

; `a[::-1]`, `a[:]`, then any other read.
((subscript
   value: (_) @arg.value .
   subscript: (slice [":" (integer) (unary_operator (integer)) (identifier)] @anchor) @arg.slice .
   (#eq? @arg.slice "::-1")) @construct
  (#set! note "slicing") (#set! level "usage") (#set! context "ch5-slice-reverse"))

((subscript
   value: (_) @arg.value .
   subscript: (slice ":" @anchor) @arg.slice .
   (#eq? @arg.slice ":")) @construct
  (#set! note "slicing") (#set! level "everyday") (#set! context "ch5-slice-copy"))

((subscript
   value: (_) @arg.value .
   subscript: (slice [":" (integer) (unary_operator (integer)) (identifier)] @anchor) @arg.slice .) @construct
  (#set! note "slicing") (#set! level "everyday") (#set! context "ch5-slice-get"))

; ---------------------------------------------------------------- §5.7 comprehensions
; Anchors: the brackets and the `for`/`in`/`if` keywords of every clause. The
; first pattern of each kind covers the brackets and the first clause, the
; second the later clauses; both take their names from the first clause.
((list_comprehension
   "[" @anchor
   body: (_) @arg.body .
   (for_in_clause "for" @anchor left: (_) @arg.var "in" @anchor right: (_) @arg.iter)
   "]" @anchor) @construct @range
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-listcomp"))

((list_comprehension
   body: (_) @arg.body .
   (for_in_clause left: (_) @arg.var right: (_) @arg.iter)
   [(for_in_clause "for" @anchor "in" @anchor) (if_clause "if" @anchor)]) @construct @range
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-listcomp"))

((set_comprehension
   "{" @anchor
   body: (_) @arg.body .
   (for_in_clause "for" @anchor left: (_) @arg.var "in" @anchor right: (_) @arg.iter)
   "}" @anchor) @construct @range
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-setcomp"))

((set_comprehension
   body: (_) @arg.body .
   (for_in_clause left: (_) @arg.var right: (_) @arg.iter)
   [(for_in_clause "for" @anchor "in" @anchor) (if_clause "if" @anchor)]) @construct @range
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-setcomp"))

((dictionary_comprehension
   "{" @anchor
   body: (pair key: (_) @arg.key) .
   (for_in_clause "for" @anchor left: (_) @arg.var "in" @anchor right: (_) @arg.iter)
   "}" @anchor) @construct @range
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-dictcomp"))

((dictionary_comprehension
   body: (pair key: (_) @arg.key) .
   (for_in_clause left: (_) @arg.var right: (_) @arg.iter)
   [(for_in_clause "for" @anchor "in" @anchor) (if_clause "if" @anchor)]) @construct @range
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-dictcomp"))

; A generator expression as the only argument of a call: `sum(x * x for x in xs)`.
; What the callee does with the generator decides what the hover can say:
; a consumer (sum, list, ...) exhausts it, any/all stop at the answer, next
; takes one item; of any other callee only laziness is known (the last
; pattern, without a predicate: an earlier pattern wins the tie).
((call
   function: (_) @arg.callee @receiver
   arguments: (generator_expression
     "(" @anchor
     body: (_) @arg.body .
     (for_in_clause "for" @anchor left: (_) @arg.var "in" @anchor right: (_) @arg.iter)
     ")" @anchor) @construct @range)
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-genexp-arg")
  (#set! requires "receiver-resolves:builtins.sum|builtins.min|builtins.max|builtins.sorted|builtins.list|builtins.tuple|builtins.set|builtins.frozenset|builtins.dict|builtins.bytes|builtins.bytearray|collections.Counter|collections.deque|collections.OrderedDict"))

((call
   function: (_) @arg.callee @receiver
   arguments: (generator_expression
     "(" @anchor
     body: (_) @arg.body .
     (for_in_clause "for" @anchor left: (_) @arg.var "in" @anchor right: (_) @arg.iter)
     ")" @anchor) @construct @range)
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-genexp-arg-short")
  (#set! requires "receiver-resolves:builtins.any|builtins.all"))

((call
   function: (_) @arg.callee @receiver
   arguments: (generator_expression
     "(" @anchor
     body: (_) @arg.body .
     (for_in_clause "for" @anchor left: (_) @arg.var "in" @anchor right: (_) @arg.iter)
     ")" @anchor) @construct @range)
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-genexp-arg-first")
  (#set! requires "receiver-resolves:builtins.next"))

((call
   function: (_) @arg.callee @receiver
   arguments: (generator_expression
     "(" @anchor
     body: (_) @arg.body .
     (for_in_clause "for" @anchor left: (_) @arg.var "in" @anchor right: (_) @arg.iter)
     ")" @anchor) @construct @range)
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-genexp-arg-lazy"))

((call
   function: (_) @arg.callee @receiver
   arguments: (generator_expression
     body: (_) @arg.body .
     (for_in_clause left: (_) @arg.var right: (_) @arg.iter)
     [(for_in_clause "for" @anchor "in" @anchor) (if_clause "if" @anchor)]) @construct @range)
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-genexp-arg")
  (#set! requires "receiver-resolves:builtins.sum|builtins.min|builtins.max|builtins.sorted|builtins.list|builtins.tuple|builtins.set|builtins.frozenset|builtins.dict|builtins.bytes|builtins.bytearray|collections.Counter|collections.deque|collections.OrderedDict"))

((call
   function: (_) @arg.callee @receiver
   arguments: (generator_expression
     body: (_) @arg.body .
     (for_in_clause left: (_) @arg.var right: (_) @arg.iter)
     [(for_in_clause "for" @anchor "in" @anchor) (if_clause "if" @anchor)]) @construct @range)
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-genexp-arg-short")
  (#set! requires "receiver-resolves:builtins.any|builtins.all"))

((call
   function: (_) @arg.callee @receiver
   arguments: (generator_expression
     body: (_) @arg.body .
     (for_in_clause left: (_) @arg.var right: (_) @arg.iter)
     [(for_in_clause "for" @anchor "in" @anchor) (if_clause "if" @anchor)]) @construct @range)
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-genexp-arg-first")
  (#set! requires "receiver-resolves:builtins.next"))

((call
   function: (_) @arg.callee @receiver
   arguments: (generator_expression
     body: (_) @arg.body .
     (for_in_clause left: (_) @arg.var right: (_) @arg.iter)
     [(for_in_clause "for" @anchor "in" @anchor) (if_clause "if" @anchor)]) @construct @range)
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-genexp-arg-lazy"))

((generator_expression
   "(" @anchor
   body: (_) @arg.body .
   (for_in_clause "for" @anchor left: (_) @arg.var "in" @anchor right: (_) @arg.iter)
   ")" @anchor) @construct @range
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-genexp"))

((generator_expression
   body: (_) @arg.body .
   (for_in_clause left: (_) @arg.var right: (_) @arg.iter)
   [(for_in_clause "for" @anchor "in" @anchor) (if_clause "if" @anchor)]) @construct @range
  (#set! note "comprehensions") (#set! level "usage") (#set! context "ch5-genexp"))
