; Chapter 8, metaclass programming: the calls and classes that the
; foundation's dunder-definition patterns (00-foundation.scm) do not cover.
; Contract: src/analysis/explain.rs. Sentences: knowledge/*/context-ch08.txt.

; ------------------------------------------- §8.1 property(...) called as a function
; `celsius = property(get_celsius, set_celsius)` in a class body.
((assignment
   left: (identifier) @arg.prop
   right: (call
     function: (identifier) @anchor
     arguments: (argument_list
       . [(identifier) (attribute)] @arg.getter
       . [(identifier) (attribute)] @arg.setter)) @construct)
  (#eq? @anchor "property")
  (#set! note "property") (#set! level "core") (#set! context "ch08-property-call-setter")
  (#set! resolves "builtins.property"))

((assignment
   left: (identifier) @arg.prop
   right: (call
     function: (identifier) @anchor
     arguments: (argument_list . [(identifier) (attribute)] @arg.getter .)) @construct)
  (#eq? @anchor "property")
  (#set! note "property") (#set! level "core") (#set! context "ch08-property-call-getter")
  (#set! resolves "builtins.property"))

((call function: (identifier) @anchor arguments: (argument_list)) @construct
  (#eq? @anchor "property")
  (#set! note "property") (#set! level "core") (#set! context "ch08-property-call")
  (#set! resolves "builtins.property"))

; ------------------------- §8.2 getattr()/setattr() and the default lookup, in a class
; `getattr(self._target, name)` in a proxy: the attribute name is computed (a
; string literal is duck typing, §4.1, in ch04.scm).
((call
   function: (identifier) @anchor
   arguments: (argument_list
     . (_) @arg.obj . [(identifier) (attribute) (call) (subscript) (binary_operator) (string (interpolation))] @arg.attr . (_) @arg.default .)) @construct
  (#eq? @anchor "getattr")
  (#set! note "getattr-getattribute") (#set! level "usage") (#set! context "ch08-getattr-default")
  (#set! resolves "builtins.getattr") (#set! requires "in-class"))

((call
   function: (identifier) @anchor
   arguments: (argument_list . (_) @arg.obj . [(identifier) (attribute) (call) (subscript) (binary_operator) (string (interpolation))] @arg.attr .)) @construct
  (#eq? @anchor "getattr")
  (#set! note "getattr-getattribute") (#set! level "usage") (#set! context "ch08-getattr")
  (#set! resolves "builtins.getattr") (#set! requires "in-class"))

((call
   function: (identifier) @anchor
   arguments: (argument_list
     . (_) @arg.obj . [(identifier) (attribute) (call) (subscript) (binary_operator) (string (interpolation))] @arg.attr . (_) .)) @construct
  (#eq? @anchor "setattr")
  (#set! note "getattr-getattribute") (#set! level "usage") (#set! context "ch08-setattr")
  (#set! resolves "builtins.setattr") (#set! requires "in-class"))

; `object.__getattribute__(self, name)` / `object.__setattr__(self, name, value)`:
; the default implementations, called to avoid recursing into the class's own hook.
((call
   function: (attribute object: (identifier) attribute: (identifier) @anchor)
   arguments: (argument_list . (_) @arg.obj . (_) @arg.attr .)) @construct
  (#eq? @anchor "__getattribute__")
  (#set! note "getattr-getattribute") (#set! level "core") (#set! context "ch08-object-getattribute")
  (#set! resolves "builtins.object.__getattribute__") (#set! requires "in-class"))

((call
   function: (attribute object: (identifier) attribute: (identifier) @anchor)
   arguments: (argument_list . (_) @arg.obj . (_) @arg.attr . (_) .)) @construct
  (#eq? @anchor "__setattr__")
  (#set! note "getattr-getattribute") (#set! level "core") (#set! context "ch08-object-setattr")
  (#set! resolves "builtins.object.__setattr__") (#set! requires "in-class"))

; `super().__getattribute__(name)` / `super().__setattr__(name, value)`.
((call
   function: (attribute
     object: (call function: (identifier) @_super arguments: (argument_list))
     attribute: (identifier) @anchor)
   arguments: (argument_list . (_) @arg.attr .)) @construct
  (#eq? @_super "super") (#eq? @anchor "__getattribute__")
  (#set! note "getattr-getattribute") (#set! level "core") (#set! context "ch08-super-getattribute")
  (#set! requires "in-class"))

((call
   function: (attribute
     object: (call function: (identifier) @_super arguments: (argument_list))
     attribute: (identifier) @anchor)
   arguments: (argument_list . (_) @arg.attr . (_) .)) @construct
  (#eq? @_super "super") (#eq? @anchor "__setattr__")
  (#set! note "getattr-getattribute") (#set! level "core") (#set! context "ch08-super-setattr")
  (#set! requires "in-class"))

; ---------------------------------------------- §8.5 type(name, bases, namespace)
; Exactly three positional arguments; the one-argument `type(x)` is §2.2.
((call
   function: (identifier) @anchor
   arguments: (argument_list
     . [(string) (identifier) (attribute) (call) (binary_operator)] @arg.name
     . [(tuple) (identifier) (attribute) (call)] @arg.bases
     . [(dictionary) (dictionary_comprehension) (identifier) (attribute) (call)] @arg.ns .)) @construct
  (#eq? @anchor "type")
  (#set! note "metaclasses") (#set! level "core") (#set! context "ch08-type-call")
  (#set! resolves "builtins.type"))

; ----------------------------------- §8.6 / §8.5 a metaclass: a class deriving from `type`
; On the class name. The ORM pattern (the metaclass picks the fields out of the
; namespace) first: same construct, so the earlier pattern wins.
((class_definition
   name: (identifier) @anchor @arg.cls
   superclasses: (argument_list (identifier) @_base)) @construct
  (#eq? @_base "type")
  (#set! note "metaclass-orm") (#set! level "core") (#set! context "ch08-metaclass-collects-fields")
  (#set! requires "metaclass-collects-fields"))

((class_definition
   name: (identifier) @anchor @arg.cls
   superclasses: (argument_list (identifier) @_base)) @construct
  (#eq? @_base "type")
  (#set! note "metaclasses") (#set! level "core") (#set! context "ch08-metaclass-def"))

; On the `type` base itself (resolved: a rebound `type` is not the builtin).
((class_definition
   name: (identifier) @arg.cls
   superclasses: (argument_list (identifier) @anchor)) @construct
  (#eq? @anchor "type")
  (#set! note "metaclasses") (#set! level "core") (#set! context "ch08-metaclass-def")
  (#set! resolves "builtins.type"))

; `class Model(metaclass=ModelMeta)` with the cursor on `ModelMeta`, a metaclass
; of this module that collects field descriptors. (On `metaclass` itself the
; foundation's §8.5 pattern applies: the predicate reads the anchor's name.)
((class_definition
   name: (identifier) @arg.cls
   superclasses: (argument_list
     (keyword_argument name: (identifier) @_kw value: (identifier) @anchor @arg.meta) @construct))
  (#eq? @_kw "metaclass")
  (#set! note "metaclass-orm") (#set! level "core") (#set! context "ch08-metaclass-keyword-orm")
  (#set! requires "metaclass-collects-fields"))
