; Chapter 6 (dicts and sets) triggers.

; ---------------------------------------------------------------- §6.1 mapping ABCs
; As a base class: `class Headers(MutableMapping):` (anchor: the base's name).
((class_definition
   superclasses: (argument_list
     [(identifier) @anchor @range
      (attribute attribute: (identifier) @anchor) @range
      (subscript value: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @range]) @construct)
  (#set! note "mapping-abcs") (#set! level "core") (#set! context "ch6-abc-base-{anchor}")
  (#set! resolves "collections.abc.Mapping,collections.abc.MutableMapping,typing.Mapping,typing.MutableMapping"))

; ---------------------------------------------------------------- §6.3 subclassing dict
; `class UpperDict(dict):`
((class_definition
   superclasses: (argument_list [(identifier) @anchor @range (attribute attribute: (identifier) @anchor) @range]) @construct)
  (#set! note "dict-subclasses") (#set! level "core") (#set! context "ch6-dict-base")
  (#set! resolves "builtins.dict"))

; `class UpperDict(UserDict):`
((class_definition
   superclasses: (argument_list [(identifier) @anchor @range (attribute attribute: (identifier) @anchor) @range]) @construct)
  (#set! note "dict-subclasses") (#set! level "core") (#set! context "ch6-userdict-base")
  (#set! resolves "collections.UserDict"))

; ---------------------------------------------------------------- §6.4 sets
; The set operators when one operand is a set literal or set comprehension
; (the operator itself is the anchor).
((binary_operator left: [(set) (set_comprehension)] operator: "&" @anchor right: (_) @arg.other) @construct
  (#set! note "set-frozenset") (#set! level "usage") (#set! context "ch6-set-and"))
((binary_operator left: (_) @arg.other operator: "&" @anchor right: [(set) (set_comprehension)]) @construct
  (#set! note "set-frozenset") (#set! level "usage") (#set! context "ch6-set-and"))
((binary_operator left: [(set) (set_comprehension)] operator: "|" @anchor right: (_) @arg.other) @construct
  (#set! note "set-frozenset") (#set! level "usage") (#set! context "ch6-set-or"))
((binary_operator left: (_) @arg.other operator: "|" @anchor right: [(set) (set_comprehension)]) @construct
  (#set! note "set-frozenset") (#set! level "usage") (#set! context "ch6-set-or"))
((binary_operator left: [(set) (set_comprehension)] operator: "-" @anchor right: (_) @arg.other) @construct
  (#set! note "set-frozenset") (#set! level "usage") (#set! context "ch6-set-sub"))
((binary_operator left: (_) @arg.other operator: "-" @anchor right: [(set) (set_comprehension)]) @construct
  (#set! note "set-frozenset") (#set! level "usage") (#set! context "ch6-set-sub"))
((binary_operator left: [(set) (set_comprehension)] operator: "^" @anchor right: (_) @arg.other) @construct
  (#set! note "set-frozenset") (#set! level "usage") (#set! context "ch6-set-xor"))
((binary_operator left: (_) @arg.other operator: "^" @anchor right: [(set) (set_comprehension)]) @construct
  (#set! note "set-frozenset") (#set! level "usage") (#set! context "ch6-set-xor"))

; Subset / superset comparisons with a set literal: `{"bob"} <= oncall`.
((comparison_operator
   . [(set) (set_comprehension)] .
   operators: ["<=" "<" ">=" ">"] @anchor
   . (_) .) @construct
  (#set! note "set-frozenset") (#set! level "usage") (#set! context "ch6-set-compare"))
((comparison_operator
   . (_) .
   operators: ["<=" "<" ">=" ">"] @anchor
   . [(set) (set_comprehension)] .) @construct
  (#set! note "set-frozenset") (#set! level "usage") (#set! context "ch6-set-compare"))

; A set literal: its braces.
((set "{" @anchor "}" @anchor) @construct
  (#set! note "set-frozenset") (#set! level "everyday") (#set! context "ch6-set-literal"))

; ---------------------------------------------------------------- §6.2 dict merge (3.9+)
((binary_operator left: [(dictionary) (dictionary_comprehension)] operator: "|" @anchor right: (_)) @construct
  (#set! note "dict-methods") (#set! level "usage") (#set! context "ch6-dict-merge"))
((binary_operator left: (_) operator: "|" @anchor right: [(dictionary) (dictionary_comprehension)]) @construct
  (#set! note "dict-methods") (#set! level "usage") (#set! context "ch6-dict-merge"))
((augmented_assignment left: (_) @arg.target operator: "|=" @anchor right: [(dictionary) (dictionary_comprehension)]) @construct
  (#set! note "dict-methods") (#set! level "usage") (#set! context "ch6-dict-merge-update"))
