; The supplement beyond the course outline (knowledge/*/supplement-*.md):
; the syntax that shows its notes. Contract: src/analysis/explain.rs.
; Sentences: knowledge/*/context-supplement.txt (keys start with `sup-`);
; names are rows of supplement.tsv. This file sorts after the chapter
; files: where a course pattern explains the same construct, it wins
; (course first). Decorator patterns are rooted at the decorator (linear in
; the number of stacked decorators) and say what they decorate with the
; `decorates-class` / `decorates-function` predicates; a module function
; used as a decorator keeps its §2.1 hover (ch02.scm: same construct,
; earlier file).
; `#set! level` gives each pattern's relevance level (issue 14).

; ---------------------------------------------------------------- S.3 @dataclass
((decorator [(identifier) @anchor
             (attribute attribute: (identifier) @anchor)
             (call function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)])]) @construct
  (#set! level "core")
  (#set! note "dataclasses") (#set! context "sup-dataclass")
  (#set! resolves "dataclasses.dataclass") (#set! requires "decorates-class")
  (#set! analysis "dataclass:unhashable,hashable,plain,hash-error,unknown"))

; `field(default_factory=list)`
((call
   function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]
   arguments: (argument_list
     (keyword_argument name: (identifier) @_kw value: (_) @arg.factory))) @construct
  (#eq? @_kw "default_factory")
  (#set! level "usage")
  (#set! note "dataclasses") (#set! context "sup-dataclass-field-factory")
  (#set! resolves "dataclasses.field"))

; ---------------------------------------------------------------- S.11 @cached_property
((decorator [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @construct
  (#set! level "core")
  (#set! note "cached-property") (#set! context "sup-cached-property")
  (#set! resolves "functools.cached_property") (#set! requires "decorates-function"))

; ---------------------------------------------------------------- S.12 @lru_cache, @cache
((decorator [(identifier) @anchor
             (attribute attribute: (identifier) @anchor)
             (call function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)])] @arg.deco) @construct
  (#set! level "core")
  (#set! note "lru-cache") (#set! context "sup-lru-cache")
  (#set! resolves "functools.lru_cache,functools.cache") (#set! requires "decorates-function"))

; ---------------------------------------------------------------- S.13 @singledispatch
((decorator [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @construct
  (#set! level "core")
  (#set! note "singledispatch") (#set! context "sup-singledispatch")
  (#set! resolves "functools.singledispatch,functools.singledispatchmethod")
  (#set! requires "decorates-function"))

; ---------------------------------------------------------------- S.8 @overload
((decorator [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @construct
  (#set! level "core")
  (#set! note "overload") (#set! context "sup-overload")
  (#set! resolves "typing.overload,typing_extensions.overload") (#set! requires "decorates-function"))

; ---------------------------------------------------------------- S.6 @runtime_checkable, Protocol bases
((decorator [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @construct
  (#set! level "core")
  (#set! note "protocols") (#set! context "sup-runtime-checkable")
  (#set! resolves "typing.runtime_checkable,typing_extensions.runtime_checkable")
  (#set! requires "decorates-class"))

; `class SupportsClose(Protocol):` / `class Box(Protocol[T]):`, on the base.
((class_definition
   name: (identifier) @arg.cls
   superclasses: (argument_list
     [(identifier) @anchor @range
      (attribute attribute: (identifier) @anchor) @range
      (subscript value: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @range])) @construct
  (#set! level "core")
  (#set! note "protocols") (#set! context "sup-protocol-base")
  (#set! resolves "typing.Protocol,typing_extensions.Protocol"))

; ---------------------------------------------------------------- S.7 Generic[T], TypeVar, class Box[T]
((class_definition
   name: (identifier) @arg.cls
   superclasses: (argument_list
     (subscript value: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @range)) @construct
  (#set! level "core")
  (#set! note "generics") (#set! context "sup-generic-base")
  (#set! resolves "typing.Generic"))

; `T = TypeVar("T")`
((call function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @construct
  (#set! level "core")
  (#set! note "generics") (#set! context "sup-typevar")
  (#set! resolves "typing.TypeVar,typing_extensions.TypeVar"))

; `class Box[T]:`, `def first[T](...)` (3.12+): the bracketed parameters.
((class_definition type_parameters: (type_parameter) @anchor @arg.params) @construct
  (#set! level "core")
  (#set! note "generics") (#set! context "sup-type-params"))

((function_definition type_parameters: (type_parameter) @anchor @arg.params) @construct
  (#set! level "core")
  (#set! note "generics") (#set! context "sup-type-params"))

; ---------------------------------------------------------------- S.4 NamedTuple, S.5 Enum bases
((class_definition
   name: (identifier) @arg.cls
   superclasses: (argument_list
     [(identifier) @anchor @range (attribute attribute: (identifier) @anchor) @range])) @construct
  (#set! level "core")
  (#set! note "named-tuples") (#set! context "sup-namedtuple-base")
  (#set! resolves "typing.NamedTuple"))

((class_definition
   name: (identifier) @arg.cls
   superclasses: (argument_list
     [(identifier) @anchor @range (attribute attribute: (identifier) @anchor) @range])) @construct
  (#set! level "core")
  (#set! note "enums") (#set! context "sup-enum-base")
  (#set! resolves "enum.Enum,enum.IntEnum,enum.StrEnum,enum.Flag,enum.IntFlag"))

; ---------------------------------------------------------------- S.1 class decorators
; Any other decorator on a class. (A function of this module used as a
; decorator keeps §2.1: ch02.scm's pattern has the same construct and comes
; first.)
((decorator
   (call function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @arg.deco_call) @construct
  (#set! level "usage")
  (#set! note "class-decorators") (#set! context "sup-class-decorator-call")
  (#set! requires "decorates-class"))

((decorator [(identifier) @anchor (attribute attribute: (identifier) @anchor)] @arg.deco) @construct
  (#set! level "usage")
  (#set! note "class-decorators") (#set! context "sup-class-decorator")
  (#set! requires "decorates-class"))

; ---------------------------------------------------------------- S.10 decorator factories
; `@retry(times=3)` on a function, where `retry` is not a function of this
; module (those keep §2.1) and not a decorator with a note of its own (the
; patterns above, and @contextmanager, @wraps, ... in the chapter files).
((decorator
   (call function: [(identifier) @_f @anchor (attribute attribute: (identifier) @_f @anchor)]) @arg.deco_call) @construct
  (#not-any-of? @_f "property" "staticmethod" "classmethod" "contextmanager"
    "asynccontextmanager" "wraps" "cached_property" "dataclass" "lru_cache" "cache"
    "total_ordering" "singledispatch" "abstractmethod" "overload" "override" "final")
  (#set! level "usage")
  (#set! note "decorator-factories") (#set! context "sup-decorator-factory")
  (#set! requires "decorates-function"))

; ---------------------------------------------------------------- S.2 __slots__
((class_definition
   name: (identifier) @arg.cls
   body: (block (expression_statement (assignment left: (identifier) @anchor) @construct)))
  (#eq? @anchor "__slots__")
  (#set! level "core")
  (#set! note "slots") (#set! context "sup-slots"))

((attribute object: (_) @arg.obj attribute: (identifier) @anchor) @construct
  (#eq? @anchor "__slots__")
  (#set! level "usage")
  (#set! note "slots") (#set! context "sup-slots-attr"))

; ---------------------------------------------------------------- S.15 parameters
((parameters (positional_separator) @anchor @construct)
  (#set! level "core")
  (#set! note "parameters") (#set! context "sup-pos-only"))

((parameters (keyword_separator) @anchor @construct)
  (#set! level "core")
  (#set! note "parameters") (#set! context "sup-kw-only"))

((parameters (list_splat_pattern (identifier) @arg.name) @anchor @construct)
  (#set! level "usage")
  (#set! note "parameters") (#set! context "sup-args"))

((parameters (dictionary_splat_pattern (identifier) @arg.name) @anchor @construct)
  (#set! level "usage")
  (#set! note "parameters") (#set! context "sup-kwargs"))

; Typed `*args: int`.
((parameters (typed_parameter (list_splat_pattern (identifier) @arg.name) @anchor) @construct)
  (#set! level "usage")
  (#set! note "parameters") (#set! context "sup-args"))

((parameters (typed_parameter (dictionary_splat_pattern (identifier) @arg.name) @anchor) @construct)
  (#set! level "usage")
  (#set! note "parameters") (#set! context "sup-kwargs"))

; Unpacking at a call: `f(*items, **options)` (the operator only).
((argument_list (list_splat "*" @anchor (_) @arg.expr) @construct)
  (#set! level "usage")
  (#set! note "parameters") (#set! context "sup-unpack-args"))

((argument_list (dictionary_splat "**" @anchor (_) @arg.expr) @construct)
  (#set! level "usage")
  (#set! note "parameters") (#set! context "sup-unpack-kwargs"))

; ---------------------------------------------------------------- S.20 :=
((named_expression name: (identifier) @arg.name ":=" @anchor value: (_) @arg.value) @construct
  (#set! level "core")
  (#set! note "walrus") (#set! context "sup-walrus"))

; ---------------------------------------------------------------- S.19 ExceptionGroup(...)
; (No `resolves`: the builtins list of module.rs does not name it; a class
; of the module with this name would be a rare shadow.)
((call function: (identifier) @anchor arguments: (argument_list . (_) @arg.msg)) @construct
  (#any-of? @anchor "ExceptionGroup" "BaseExceptionGroup")
  (#set! level "usage")
  (#set! note "exception-groups") (#set! context "sup-exception-group"))
