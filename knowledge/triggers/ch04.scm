; Chapter 4: classes and objects in depth. Contract: src/analysis/explain.rs.
; Context keys of this file start with `c4-` (knowledge/*/context-ch04.txt).

; ---------------------------------------------------------------- §4.1 duck typing
; callable(getattr(obj, "name", default)): "does obj have a callable .name?"
((call
   function: (identifier) @anchor
   arguments: (argument_list .
     (call
       function: (identifier) @anchor
       arguments: (argument_list .
         (_) @arg.obj .
         (string . (string_start) . (string_content) @arg.attr . (string_end) .) .
         (_) .)) .)) @construct
  (#any-of? @anchor "callable" "getattr")
  (#match? @arg.attr "^([A-Za-z][A-Za-z0-9_]*|__[A-Za-z0-9_]+__)$")
  (#set! note "duck-typing") (#set! level "usage") (#set! context "c4-callable-getattr")
  (#set! resolves "builtins.callable,builtins.getattr"))

; hasattr(obj, "read"): a capability check by (public or dunder) name, not on self/cls.
((call
   function: (identifier) @anchor
   arguments: (argument_list .
     (_) @arg.obj .
     (string . (string_start) . (string_content) @arg.attr . (string_end) .) .)) @construct
  (#not-any-of? @arg.obj "self" "cls")
  (#match? @arg.attr "^([A-Za-z][A-Za-z0-9_]*|__[A-Za-z0-9_]+__)$")
  (#set! note "duck-typing") (#set! level "usage") (#set! context "c4-hasattr")
  (#set! resolves "builtins.hasattr"))

; callable(x)
((call
   function: (identifier) @anchor
   arguments: (argument_list . (_) @arg.obj .)) @construct
  (#set! note "duck-typing") (#set! level "usage") (#set! context "c4-callable")
  (#set! resolves "builtins.callable"))

; ---------------------------------------------------------------- §4.2 abstract base classes
; class Base(ABC) / class Base(abc.ABC): the base
((class_definition
   name: (identifier) @arg.cls
   superclasses: (argument_list
     [(identifier) @anchor (attribute attribute: (identifier) @anchor)] @construct)) 
  (#set! note "abstract-base-classes") (#set! level "core") (#set! context "c4-abc-base")
  (#set! resolves "abc.ABC"))

; class Base(metaclass=ABCMeta): the metaclass
((class_definition
   name: (identifier) @arg.cls
   superclasses: (argument_list
     (keyword_argument
       name: (identifier) @_kw
       value: [(identifier) @anchor (attribute attribute: (identifier) @anchor)] @construct)))
  (#eq? @_kw "metaclass")
  (#set! note "abstract-base-classes") (#set! level "core") (#set! context "c4-abcmeta")
  (#set! resolves "abc.ABCMeta"))

; @abstractmethod / @abc.abstractmethod
((decorated_definition
   (decorator [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @range
   definition: (function_definition name: (identifier) @arg.method)) @construct
  (#set! note "abstract-base-classes") (#set! level "core") (#set! context "c4-abstractmethod")
  (#set! resolves "abc.abstractmethod"))

; the deprecated @abstractproperty, @abstractclassmethod, @abstractstaticmethod
((decorated_definition
   (decorator [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @range
   definition: (function_definition name: (identifier) @arg.method)) @construct
  (#set! note "abstract-base-classes") (#set! level "core") (#set! context "c4-abstract-deprecated")
  (#set! resolves "abc.abstractproperty,abc.abstractclassmethod,abc.abstractstaticmethod"))

; ---------------------------------------------------------------- §4.3 isinstance / type comparisons
; isinstance(x, (A, B)), isinstance(x, A | B)
((call
   function: (identifier) @anchor
   arguments: (argument_list . (_) @arg.obj . [(tuple) (binary_operator)] @arg.cls .)) @construct
  (#set! note "isinstance-vs-type") (#set! level "everyday") (#set! context "c4-isinstance-tuple")
  (#set! resolves "builtins.isinstance"))

; isinstance(x, T)
((call
   function: (identifier) @anchor
   arguments: (argument_list . (_) @arg.obj . (_) @arg.cls .)) @construct
  (#set! note "isinstance-vs-type") (#set! level "everyday") (#set! context "c4-isinstance")
  (#set! resolves "builtins.isinstance"))

; issubclass(C, (A, B)), issubclass(C, A | B)
((call
   function: (identifier) @anchor
   arguments: (argument_list . (_) @arg.sub . [(tuple) (binary_operator)] @arg.cls .)) @construct
  (#set! note "isinstance-vs-type") (#set! level "usage") (#set! context "c4-issubclass-tuple")
  (#set! resolves "builtins.issubclass"))

; issubclass(C, T)
((call
   function: (identifier) @anchor
   arguments: (argument_list . (_) @arg.sub . (_) @arg.cls .)) @construct
  (#set! note "isinstance-vs-type") (#set! level "usage") (#set! context "c4-issubclass")
  (#set! resolves "builtins.issubclass"))

; type(x) == T, type(x) is T (and != / is not): the operator only; `type` itself is §2.2's.
; The construct is the operator token, so that a generic `==`/`is` pattern cannot be smaller.
((comparison_operator
   . (call function: (identifier) @_type arguments: (argument_list . (_) @arg.obj .))
   operators: ["==" "is"] @anchor @construct
   . (_) @arg.cls .) @range
  (#eq? @_type "type")
  (#set! note "isinstance-vs-type") (#set! level "core") (#set! context "c4-type-eq"))

((comparison_operator
   . (call function: (identifier) @_type arguments: (argument_list . (_) @arg.obj .))
   operators: ["!=" "is not"] @anchor @construct
   . (_) @arg.cls .) @range
  (#eq? @_type "type")
  (#set! note "isinstance-vs-type") (#set! level "core") (#set! context "c4-type-ne"))

((comparison_operator
   . (_) @arg.cls
   operators: ["==" "is"] @anchor @construct
   . (call function: (identifier) @_type arguments: (argument_list . (_) @arg.obj .)) .) @range
  (#eq? @_type "type")
  (#set! note "isinstance-vs-type") (#set! level "core") (#set! context "c4-type-eq"))

; ---------------------------------------------------------------- §4.4 class attributes
; `count = 0` directly in a class body (literal values only: no calls, descriptors or aliases;
; not dunder/sunder or private names; not Enum-like classes, not `class Meta`/`class Config`).
; The analysis gives no outcome where the value is not one object in the class `__dict__`
; (a dataclass field, a class decorator or metaclass that may replace it): then no sentence.
((class_definition
   name: (identifier) @_cls
   !superclasses
   body: (block
     (expression_statement
       (assignment
         left: (identifier) @anchor
         right: [(integer) (float) (string) (concatenated_string) (true) (false) (none)
                 (tuple) (unary_operator)]
         !type) @construct)))
  (#not-match? @anchor "^_.*_$|^__")
  (#not-any-of? @_cls "Meta" "Config")
  (#set! note "class-vs-instance-variables") (#set! level "usage") (#set! context "c4-class-var")
  (#set! analysis "class-attr:shadowed,unshadowed"))

((class_definition
   name: (identifier) @_cls
   superclasses: (argument_list) @_bases
   body: (block
     (expression_statement
       (assignment
         left: (identifier) @anchor
         right: [(integer) (float) (string) (concatenated_string) (true) (false) (none)
                 (tuple) (unary_operator)]
         !type) @construct)))
  (#not-match? @anchor "^_.*_$|^__")
  (#not-any-of? @_cls "Meta" "Config")
  (#not-match? @_bases "Enum|Flag|NamedTuple|TypedDict|Choices")
  (#set! note "class-vs-instance-variables") (#set! level "usage") (#set! context "c4-class-var")
  (#set! analysis "class-attr:shadowed,unshadowed"))

; `items = []` directly in a class body: one mutable object shared by every instance
((class_definition
   name: (identifier) @_cls
   !superclasses
   body: (block
     (expression_statement
       (assignment
         left: (identifier) @anchor
         right: [(list) (dictionary) (set)]
         !type) @construct)))
  (#not-match? @anchor "^_.*_$|^__")
  (#not-any-of? @_cls "Meta" "Config")
  (#set! note "class-vs-instance-variables") (#set! level "core") (#set! context "c4-class-var-mutable")
  (#set! analysis "class-attr:shadowed,unshadowed"))

((class_definition
   name: (identifier) @_cls
   superclasses: (argument_list) @_bases
   body: (block
     (expression_statement
       (assignment
         left: (identifier) @anchor
         right: [(list) (dictionary) (set)]
         !type) @construct)))
  (#not-match? @anchor "^_.*_$|^__")
  (#not-any-of? @_cls "Meta" "Config")
  (#not-match? @_bases "Enum|Flag|NamedTuple|TypedDict|Choices")
  (#set! note "class-vs-instance-variables") (#set! level "core") (#set! context "c4-class-var-mutable")
  (#set! analysis "class-attr:shadowed,unshadowed"))

; ---------------------------------------------------------------- §4.5 MRO
; class Child(Left, Right): the class name
((class_definition
   name: (identifier) @anchor
   superclasses: (argument_list .
     [(identifier) (attribute) (subscript)] @arg.base1 .
     [(identifier) (attribute) (subscript)] @arg.base2)) @construct
  (#set! note "mro") (#set! level "core") (#set! context "c4-multiple-bases"))

; Cls.__mro__
((attribute object: (_) @arg.obj attribute: (identifier) @anchor) @construct
  (#eq? @anchor "__mro__")
  (#set! note "mro") (#set! level "core") (#set! context "c4-dunder-mro"))

; Cls.mro()
((call
   function: (attribute object: (_) @arg.obj attribute: (identifier) @anchor)
   arguments: (argument_list) @_args) @construct
  (#eq? @anchor "mro")
  (#match? @_args "^\\(\\s*\\)$")
  (#set! note "mro") (#set! level "core") (#set! context "c4-mro-call"))

; ---------------------------------------------------------------- §4.6 @classmethod / @staticmethod
((decorated_definition
   (decorator (identifier) @anchor) @range
   definition: (function_definition
     name: (identifier) @arg.method
     parameters: (parameters . (identifier) @arg.first))) @construct
  (#set! note "static-class-methods") (#set! level "core") (#set! context "c4-classmethod")
  (#set! resolves "builtins.classmethod"))

((decorated_definition
   (decorator (identifier) @anchor) @range
   definition: (function_definition name: (identifier) @arg.method)) @construct
  (#set! note "static-class-methods") (#set! level "core") (#set! context "c4-classmethod")
  (#set! resolves "builtins.classmethod"))

((decorated_definition
   (decorator (identifier) @anchor) @range
   definition: (function_definition name: (identifier) @arg.method)) @construct
  (#set! note "static-class-methods") (#set! level "core") (#set! context "c4-staticmethod")
  (#set! resolves "builtins.staticmethod"))

; ---------------------------------------------------------------- §4.7 private names
; self.__balance (inside a class: mangled to self._Account__balance)
((attribute object: (_) @arg.obj attribute: (identifier) @anchor) @construct
  (#match? @anchor "^__.*[^_]_?$")
  (#set! note "private-names") (#set! level "usage") (#set! context "c4-private-attr")
  (#set! requires "in-class"))

; def __helper(self): a private method
((function_definition name: (identifier) @anchor) @construct
  (#match? @anchor "^__.*[^_]_?$")
  (#set! note "private-names") (#set! level "usage") (#set! context "c4-private-method")
  (#set! requires "in-class"))

; __registry = {} in a class body
((class_definition
   body: (block (expression_statement (assignment left: (identifier) @anchor) @construct)))
  (#match? @anchor "^__.*[^_]_?$")
  (#set! note "private-names") (#set! level "usage") (#set! context "c4-private-classattr"))

; ---------------------------------------------------------------- §4.8 introspection
((attribute object: (_) @arg.obj attribute: (identifier) @anchor) @construct
  (#eq? @anchor "__dict__")
  (#set! note "introspection") (#set! level "usage") (#set! context "c4-dunder-dict"))

((call function: (identifier) @anchor arguments: (argument_list . (_) @arg.obj .)) @construct
  (#set! note "introspection") (#set! level "usage") (#set! context "c4-vars-arg")
  (#set! resolves "builtins.vars"))

((call function: (identifier) @anchor arguments: (argument_list) @_args) @construct
  (#match? @_args "^\\(\\s*\\)$")
  (#set! note "introspection") (#set! level "usage") (#set! context "c4-vars-noarg")
  (#set! resolves "builtins.vars"))

((call function: (identifier) @anchor arguments: (argument_list . (_) @arg.obj .)) @construct
  (#set! note "introspection") (#set! level "usage") (#set! context "c4-dir-arg")
  (#set! resolves "builtins.dir"))

((call function: (identifier) @anchor arguments: (argument_list) @_args) @construct
  (#match? @_args "^\\(\\s*\\)$")
  (#set! note "introspection") (#set! level "usage") (#set! context "c4-dir-noarg")
  (#set! resolves "builtins.dir"))

; ---------------------------------------------------------------- §4.9 super()
; super().method
((attribute
   object: (call function: (identifier) @anchor arguments: (argument_list) @_args) @construct
   attribute: (identifier) @arg.method)
  (#match? @_args "^\\(\\s*\\)$")
  (#set! note "super") (#set! level "core") (#set! context "c4-super-method")
  (#set! resolves "builtins.super") (#set! requires "in-class") (#set! analysis "super"))

; super()
((call function: (identifier) @anchor arguments: (argument_list) @_args) @construct
  (#match? @_args "^\\(\\s*\\)$")
  (#set! note "super") (#set! level "core") (#set! context "c4-super")
  (#set! resolves "builtins.super") (#set! requires "in-class") (#set! analysis "super"))

; super(Child, self)
((call
   function: (identifier) @anchor
   arguments: (argument_list . (_) @arg.start . (_) @arg.inst .)) @construct
  (#set! note "super") (#set! level "core") (#set! context "c4-super-args")
  (#set! resolves "builtins.super"))

; ---------------------------------------------------------------- §4.10 mixins
; class Article(JsonMixin, Record): a `*Mixin` base followed by another base
((class_definition
   superclasses: (argument_list
     [(identifier) @anchor (attribute attribute: (identifier) @anchor)] @construct .
     [(identifier) (attribute) (subscript)] @arg.next))
  (#match? @anchor "^[A-Za-z0-9_]+Mixin$")
  (#set! note "mixins") (#set! level "core") (#set! context "c4-mixin-before"))

((class_definition
   superclasses: (argument_list
     [(identifier) @anchor (attribute attribute: (identifier) @anchor)] @construct))
  (#match? @anchor "^[A-Za-z0-9_]+Mixin$")
  (#set! note "mixins") (#set! level "core") (#set! context "c4-mixin"))

; ---------------------------------------------------------------- §4.11 finally
((finally_clause "finally" @anchor @range (block (return_statement))) @construct
  (#set! note "with-statement") (#set! level "core") (#set! context "c4-finally-return"))

((finally_clause "finally" @anchor @range) @construct
  (#set! note "with-statement") (#set! level "everyday") (#set! context "c4-finally"))
