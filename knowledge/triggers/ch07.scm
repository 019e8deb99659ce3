; Chapter 7 (references, mutability, gc) triggers. The §7.4 mutable-default
; patterns are in ch05.scm, so that they come before the §5.7/§6.4 literal
; patterns of the same size.

; ---------------------------------------------------------------- §7.2 == versus is
; Anchor: the `is` / `is not` operator (the `None` operand belongs to §2.3).
((comparison_operator
   . (_) @arg.left .
   operators: ["is" "is not"] @anchor @arg.op
   . (none) .) @construct
  (#set! note "eq-vs-is") (#set! context "ch7-is-none"))

((comparison_operator
   . (_) @arg.left .
   operators: ["is" "is not"] @anchor @arg.op
   . [(integer) (float) (string) (concatenated_string) (tuple)] @arg.right .) @construct
  (#set! note "eq-vs-is") (#set! context "ch7-is-literal"))

; A list, dict or set display builds a new object each time: `is` is always
; false there (and Python gives no warning).
((comparison_operator
   . (_) @arg.left .
   operators: ["is" "is not"] @anchor @arg.op
   . [(list) (dictionary) (set)] @arg.right .) @construct
  (#set! note "eq-vs-is") (#set! context "ch7-is-display"))

((comparison_operator
   . (_) @arg.left .
   operators: "is" @anchor
   . (_) @arg.right .) @construct
  (#set! note "eq-vs-is") (#set! context "ch7-is"))

((comparison_operator
   . (_) @arg.left .
   operators: "is not" @anchor
   . (_) @arg.right .) @construct
  (#set! note "eq-vs-is") (#set! context "ch7-is-not"))

; Chained comparisons (`a is b is c`): no names.
((comparison_operator operators: ["is" "is not"] @anchor) @construct
  (#set! note "eq-vs-is") (#set! context "ch7-is-chained"))

; ---------------------------------------------------------------- §7.3 del
; Anchor: the `del` keyword.
((delete_statement "del" @anchor . (identifier) @arg.target .) @construct
  (#set! note "del-and-gc") (#set! context "ch7-del-name"))

((delete_statement "del" @anchor . (subscript value: (_) @arg.obj) @arg.target .) @construct
  (#set! note "del-and-gc") (#set! context "ch7-del-item"))

((delete_statement "del" @anchor . (attribute object: (_) @arg.obj attribute: (identifier) @arg.attr) @arg.target .) @construct
  (#set! note "del-and-gc") (#set! context "ch7-del-attr"))

((delete_statement "del" @anchor) @construct
  (#set! note "del-and-gc") (#set! context "ch7-del"))
