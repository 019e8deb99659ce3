; Which syntax shows which note. See src/analysis/explain.rs for the contract:
;   @anchor     the cursor must be on one of these nodes
;   @construct  the construct (hover range; a compound statement's header)
;   @range      overrides the hover range
;   @arg.NAME   fills {NAME} in the context template
;   #set! note "id"        the note (an id of knowledge/*/chNN.md)
;   #set! level "core|usage|everyday"  how far from everyday code (hover.level)
;   #set! user-level "..."   the level when @receiver is a class of the user's code or its instance
;   #set! context "key"    the sentence template (knowledge/*/context.txt)
;   #set! resolves "a.b"   the @anchor reference must resolve to a.b through imports
;   #set! requires "p,q"   code predicates (explain.rs `Predicate`)
;   #set! analysis "name[:outcome,...]"  a runtime analysis (runtime.rs) on @receiver
;   #set! dunders "..."    what a `dispatch` analysis looks for, in order
; When several patterns match, the smallest construct wins, then the earliest pattern.

; ---------------------------------------------------------------- §12.6 yield from
((yield "yield" @anchor "from" @anchor (call function: (_) @arg.subname) @arg.sub) @construct
  (#set! note "yield-from") (#set! level "core") (#set! context "yield-from"))

((yield "yield" @anchor "from" @anchor (_) @arg.sub) @construct
  (#set! note "yield-from") (#set! level "core") (#set! context "yield-from"))

; ------------------------------------------------- §9.3 yield as a statement
; (In an `async def`, `yield` makes an async generator: its own sentences.)
; (Under a decorator, the name holds what the decorator returns.)
(expression_statement
  (yield "yield" @anchor) @construct
  (#set! note "generator-functions") (#set! level "core") (#set! context "yield-statement")
  (#set! requires "in-function:generator,undecorated-function"))

(expression_statement
  (yield "yield" @anchor) @construct
  (#set! note "generator-functions") (#set! level "core") (#set! context "yield-statement-async")
  (#set! requires "in-function:async-generator,undecorated-function"))

(expression_statement
  (yield "yield" @anchor) @construct
  (#set! note "generator-functions") (#set! level "core") (#set! context "yield-statement-decorated")
  (#set! requires "decorated-function"))

; ------------------------- §12.6 yield as an expression: its value is what send() passes
(assignment
  left: (_) @arg.target
  right: (yield "yield" @anchor) @construct
  (#set! note "yield-from") (#set! level "core") (#set! context "yield-expression")
  (#set! requires "in-function:generator"))

((yield "yield" @anchor) @construct
  (#set! note "yield-from") (#set! level "core") (#set! context "yield-expression")
  (#set! requires "in-function:generator"))

(assignment
  left: (_) @arg.target
  right: (yield "yield" @anchor) @construct
  (#set! note "generator-functions") (#set! level "core") (#set! context "yield-expression-async")
  (#set! requires "in-function:async-generator"))

((yield "yield" @anchor) @construct
  (#set! note "generator-functions") (#set! level "core") (#set! context "yield-expression-async")
  (#set! requires "in-function:async-generator"))

; ---------------------------------------------------------------- §12.8 async/await
((function_definition "async" @anchor "def" @anchor name: (identifier) @anchor) @construct
  (#set! note "async-await") (#set! level "core") (#set! context "async-def"))

((await "await" @anchor (_) @arg.expr) @construct
  (#set! note "async-await") (#set! level "usage") (#set! context "await"))

; `async with x as y` first: the plain pattern below matches the as_pattern too.
((with_statement "async" @anchor "with" @anchor
   (with_clause . (with_item value: (as_pattern . (_) @arg.expr @receiver)))) @construct
  (#set! note "async-await") (#set! level "core") (#set! context "async-with") (#set! analysis "with"))

((with_statement "async" @anchor "with" @anchor
   (with_clause . (with_item value: (_) @arg.expr @receiver))) @construct
  (#set! note "async-await") (#set! level "core") (#set! context "async-with") (#set! analysis "with"))

((for_statement "async" @anchor "for" @anchor right: (_) @arg.expr) @construct
  (#set! note "async-await") (#set! level "core") (#set! context "async-for"))

((for_in_clause "async" @anchor "for" @anchor right: (_) @arg.expr) @construct
  (#set! note "async-await") (#set! level "core") (#set! context "async-for"))

; ---------------------------------------------------------------- §4.11 with
((with_statement "with" @anchor
   (with_clause . (with_item value: (as_pattern . (_) @arg.expr @receiver alias: (_) @arg.target)))) @construct
  (#set! note "with-statement") (#set! level "usage") (#set! context "with-as") (#set! analysis "with"))

((with_statement "with" @anchor
   (with_clause . (with_item value: (_) @arg.expr @receiver))) @construct
  (#set! note "with-statement") (#set! level "usage") (#set! context "with") (#set! analysis "with"))

; Each item of a `with` (also after the first): its `as` explains that
; item's `__enter__`/`__exit__`. The async form first, as above.
((with_statement "async"
   (with_clause (with_item value: (as_pattern . (_) @arg.expr @receiver "as" @anchor alias: (_) @arg.target)) @construct))
  (#set! note "async-await") (#set! level "core") (#set! context "async-with") (#set! analysis "with"))

((with_statement
   (with_clause (with_item value: (as_pattern . (_) @arg.expr @receiver "as" @anchor alias: (_) @arg.target)) @construct))
  (#set! note "with-statement") (#set! level "usage") (#set! context "with-as") (#set! analysis "with"))

; ---------------------------------------------------------------- §4.12 @contextmanager
((decorated_definition
   (decorator [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @range
   definition: (function_definition name: (identifier) @arg.deco_func)) @construct
  (#set! note "contextlib") (#set! level "core") (#set! context "contextmanager")
  (#set! resolves "contextlib.contextmanager,contextlib.asynccontextmanager"))

; ---------------------------------------------------------------- §8.1 property
; (`@functools.cached_property` is a non-data descriptor with a note of its
; own, §S.11: supplement.scm.)
((decorated_definition
   (decorator (identifier) @anchor) @range
   definition: (function_definition name: (identifier) @arg.prop)) @construct
  (#set! note "property") (#set! level "core") (#set! context "property")
  (#set! resolves "builtins.property"))

((decorated_definition
   (decorator (attribute object: (identifier) @arg.prop attribute: (identifier) @anchor)) @range
   (#any-of? @anchor "setter" "deleter" "getter")) @construct
  (#set! note "property") (#set! level "core") (#set! context "property-setter"))

; ------------------------------------------------ §8.2 __getattr__ / __getattribute__
((function_definition name: (identifier) @anchor (#eq? @anchor "__getattr__")) @construct
  (#set! note "getattr-getattribute") (#set! level "core") (#set! context "def-getattr"))

((function_definition name: (identifier) @anchor (#eq? @anchor "__getattribute__")) @construct
  (#set! note "getattr-getattribute") (#set! level "core") (#set! context "def-getattribute"))

; ---------------------------------------------------------------- §8.3 descriptors
((function_definition name: (identifier) @anchor (#eq? @anchor "__get__")) @construct
  (#set! note "descriptors") (#set! level "core") (#set! context "def-get"))

((function_definition name: (identifier) @anchor (#any-of? @anchor "__set__" "__delete__")) @construct
  (#set! note "descriptors") (#set! level "core") (#set! context "def-set"))

((function_definition name: (identifier) @anchor (#eq? @anchor "__set_name__")) @construct
  (#set! note "descriptors") (#set! level "core") (#set! context "def-set-name"))

; ---------------------------------------------------------------- §8.4 __new__
((function_definition name: (identifier) @anchor (#eq? @anchor "__new__")) @construct
  (#set! note "new-vs-init") (#set! level "core") (#set! context "def-new"))

; ---------------------------------------------------------------- §8.5 metaclass=
((class_definition
   name: (identifier) @arg.cls
   superclasses: (argument_list
     (keyword_argument name: (identifier) @anchor value: (_) @arg.meta) @range
     (#eq? @anchor "metaclass"))) @construct
  (#set! note "metaclasses") (#set! level "core") (#set! context "metaclass-keyword"))

; ------------------------------------ a generator function's name: what calling it returns
; (plain functions have no note: no hover; `async def` names are covered above)
((function_definition name: (identifier) @anchor) @construct
  (#not-match? @anchor "^__.*__$")
  (#set! requires "generator-function")
  (#set! note "generator-functions") (#set! level "core") (#set! context "fn-generator"))
