; Chapter 2: everything is an object. Contract: src/analysis/explain.rs.

; ------------------------------------------- §2.1 functools.wraps on a wrapper
; Rooted at the decorator, not the decorated definition: a definition with
; a hundred decorators would otherwise give a hundred partial matches to
; every hover inside it. Code adds `{target}` (and `{wrapper}`): the name
; of the decorated definition.
((decorator
   (call
     function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]
     arguments: (argument_list . (_) @arg.wrapped))) @construct
  (#set! note "everything-is-object") (#set! level "usage") (#set! context "ch02-wraps")
  (#set! resolves "functools.wraps"))

; ------------------------------- §2.1 a function of the module used as a decorator
; Names of well-known decorators are left alone even when the module redefines
; them (a local `property` is not the builtin, but a hover on it confuses).
((decorator (identifier) @anchor) @construct
  (#not-any-of? @anchor "property" "staticmethod" "classmethod" "contextmanager"
    "asynccontextmanager" "wraps" "cached_property" "dataclass" "lru_cache" "cache"
    "total_ordering" "singledispatch" "abstractmethod" "overload" "override" "final")
  (#set! note "everything-is-object") (#set! level "usage") (#set! context "ch02-decorator")
  (#set! requires "module-function"))

((decorator (call function: (identifier) @anchor) @arg.deco_call) @construct
  (#not-any-of? @anchor "property" "staticmethod" "classmethod" "contextmanager"
    "asynccontextmanager" "wraps" "cached_property" "dataclass" "lru_cache" "cache"
    "total_ordering" "singledispatch" "abstractmethod" "overload" "override" "final")
  (#set! note "everything-is-object") (#set! level "usage") (#set! context "ch02-decorator-factory")
  (#set! requires "module-function"))

; ------------------------- §2.1 a function defined in this function, returned as a value
((return_statement (identifier) @anchor) @construct
  (#set! note "everything-is-object") (#set! level "usage") (#set! context "ch02-return-local-function")
  (#set! requires "local-function"))

; ------------------------------------------- §2.1 a function passed as an argument
; Defined in the enclosing function: any call.
((call
   function: (_) @arg.callee
   arguments: (argument_list
     [(identifier) @anchor (keyword_argument value: (identifier) @anchor)]))
  (#set! note "everything-is-object") (#set! level "usage") (#set! context "ch02-function-value")
  (#set! requires "local-function"))

; Defined in the module: only where a callable is expected (`key=`, `target=`,
; the function argument of map/filter/partial/submit...), since a module
; function's name may also be a local variable elsewhere.
((call
   function: (_) @arg.callee
   arguments: (argument_list
     (keyword_argument name: (identifier) @_kw value: (identifier) @anchor)))
  (#any-of? @_kw "key" "target" "callback" "func" "fn" "function" "default_factory"
    "initializer" "handler")
  (#set! note "everything-is-object") (#set! level "usage") (#set! context "ch02-function-argument")
  (#set! requires "module-function"))

((call
   function: [(identifier) @_callee (attribute attribute: (identifier) @_callee)] @arg.callee
   arguments: (argument_list . (identifier) @anchor))
  (#any-of? @_callee "map" "filter" "partial" "reduce" "submit" "register"
    "add_done_callback" "call_soon" "call_soon_threadsafe" "apply_async" "to_thread")
  (#set! note "everything-is-object") (#set! level "usage") (#set! context "ch02-function-argument")
  (#set! requires "module-function"))

((call
   function: (attribute attribute: (identifier) @_callee) @arg.callee
   arguments: (argument_list . (_) . (identifier) @anchor))
  (#any-of? @_callee "run_in_executor" "call_later" "call_at")
  (#set! note "everything-is-object") (#set! level "usage") (#set! context "ch02-function-argument")
  (#set! requires "module-function"))

; ------------------------------------------------ §2.2 type(x): the class of x
((call
   function: (identifier) @anchor
   arguments: (argument_list . [(identifier) (attribute) (call) (subscript)] @arg.obj .)) @construct
  (#eq? @anchor "type")
  (#set! note "type-object-class") (#set! level "usage") (#set! context "ch02-type-call")
  (#set! resolves "builtins.type"))

; ------------------------------------------------ §2.2 x.__class__, C.__bases__
((attribute
   object: (_) @arg.obj
   attribute: (identifier) @anchor) @construct
  (#any-of? @anchor "__class__" "__bases__")
  (#set! note "type-object-class") (#set! level "usage") (#set! context "ch02-attr-{anchor}"))

; --------------------------- §2.2 isinstance/issubclass relations of type and object
; Both arguments are `type`/`object`: the note's own relations.
((call
   function: (identifier) @arg.check
   arguments: (argument_list
     . (identifier) @arg.a @anchor
     . (identifier) @arg.b @anchor .)) @construct
  (#any-of? @arg.check "isinstance" "issubclass")
  (#any-of? @arg.a "type" "object")
  (#any-of? @arg.b "type" "object")
  (#set! note "type-object-class") (#set! level "core") (#set! context "ch02-relation-{check}-{a}-{b}")
  (#set! resolves "builtins.type,builtins.object"))

; Any first argument, checked against `type` or `object`.
((call
   function: (identifier) @arg.check
   arguments: (argument_list . (_) @arg.a . (identifier) @anchor .)) @construct
  (#any-of? @arg.check "isinstance" "issubclass")
  (#any-of? @anchor "type" "object")
  (#set! note "type-object-class") (#set! level "core") (#set! context "ch02-relation-{check}-{anchor}")
  (#set! resolves "builtins.type,builtins.object"))

; ------------------------------------------------ §2.3 `if x is None: x = ...`
; The "fresh default" idiom: both tokens of `x is None` give §2.3 there (this
; file comes before ch07.scm, so it wins over §7.2 for the same comparison);
; a bare `x is None` / `x is not None` elsewhere is §7.2 on every token.
((if_statement
   condition: (comparison_operator
     . (identifier) @arg.expr
     operators: "is" @anchor
     . (none) @anchor .) @construct
   consequence: (block
     . (expression_statement (assignment left: (identifier) @_target))))
  (#eq? @arg.expr @_target)
  (#set! note "builtin-types") (#set! level "everyday") (#set! context "ch02-is-none"))
