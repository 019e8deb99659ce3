; What this code does at runtime, with the module's own classes: which step
; of the attribute lookup wins, which dunder an operator or a builtin calls.
; Every pattern names an analysis (src/analysis/runtime.rs) and the outcomes
; it applies to; a receiver that is not an instance of one of the user's
; classes (this file's or the project's) gives no outcome, so these patterns
; stay silent and the chapter files' general patterns answer instead. Sentences: context-runtime.txt.

; ---------------------------------------------------------------- obj.attr: §8.3 lookup order
((attribute object: (_) @receiver attribute: (identifier) @anchor) @construct
  (#set! note "descriptors") (#set! level "core") (#set! context "rt-lookup")
  (#set! analysis "attribute-lookup:data-descriptor,data-descriptor-no-get,set-data-descriptor,non-data-descriptor,unknown-value,ambiguous"))

((attribute object: (_) @receiver attribute: (identifier) @anchor) @construct
  (#set! note "property") (#set! level "core") (#set! context "rt-lookup")
  (#set! analysis "attribute-lookup:property,set-property"))
((attribute object: (_) @receiver attribute: (identifier) @anchor) @construct
  (#set! note "cached-property") (#set! level "core") (#set! context "rt-lookup")
  (#set! analysis "attribute-lookup:cached-property"))

((attribute object: (_) @receiver attribute: (identifier) @anchor) @construct
  (#set! note "getattr-getattribute") (#set! level "core") (#set! context "rt-lookup")
  (#set! analysis "attribute-lookup:getattr,getattribute,setattr"))

((attribute object: (_) @receiver attribute: (identifier) @anchor) @construct
  (#set! note "class-vs-instance-variables") (#set! level "usage") (#set! context "rt-lookup")
  (#set! analysis "attribute-lookup:class-attr,set-shadows-class-attr,method-shadowed,tuple-field,dataclass-field,transformed,metaclass-sets,init-subclass-sets"))

; ---------------------------------------------------------------- Cls(...): §8.4 / §8.5
((call function: (identifier) @anchor) @construct
  (#set! note "metaclasses") (#set! level "core") (#set! context "rt-construct")
  (#set! analysis "construct:metaclass"))

((call function: (identifier) @anchor) @construct
  (#set! note "new-vs-init") (#set! level "usage") (#set! context "rt-construct")
  (#set! analysis "construct:new,new-raises"))

((call function: (identifier) @anchor) @construct
  (#set! note "new-vs-init") (#set! level "everyday") (#set! context "rt-construct")
  (#set! analysis "construct:init,init-generated,unknown"))

; ---------------------------------------------------------------- operators: §3.3
((binary_operator left: (_) @receiver operator: _ @anchor) @construct
  (#set! note "magic-methods-overview") (#set! level "everyday") (#set! user-level "core") (#set! context "rt-binary")
  (#set! analysis "dispatch:found,reflected,reflected-if,missing,missing-both,unknown,ambiguous")
  (#set! dunders "binary"))

((augmented_assignment left: (_) @receiver operator: _ @anchor) @construct
  (#set! note "magic-methods-overview") (#set! level "everyday") (#set! user-level "core") (#set! context "rt-augmented")
  (#set! analysis "dispatch:found,fallback,missing,unknown,ambiguous")
  (#set! dunders "augmented"))

((comparison_operator (_) ["in" "not in"] @anchor (_) @receiver) @construct
  (#set! note "magic-methods-overview") (#set! level "everyday") (#set! user-level "core") (#set! context "rt-contains")
  (#set! analysis "dispatch:found,fallback,missing,unknown,ambiguous")
  (#set! dunders "__contains__ __iter__ __getitem__"))

; ---------------------------------------------------------------- for / len / [] / () / str
((for_statement ["for" "in"] @anchor right: (_) @receiver) @construct
  (#set! note "iteration-protocol") (#set! level "everyday") (#set! user-level "core") (#set! context "rt-for")
  (#set! analysis "dispatch:found,fallback,missing,unknown,ambiguous")
  (#set! dunders "__iter__ __getitem__"))

((call function: (identifier) @anchor arguments: (argument_list . (_) @receiver .)) @construct
  (#eq? @anchor "len") (#set! resolves "builtins.len")
  (#set! note "len-matters") (#set! level "everyday") (#set! user-level "core") (#set! context "rt-len")
  (#set! analysis "dispatch:found,missing,unknown,ambiguous")
  (#set! dunders "__len__"))

((assignment left: (subscript value: (_) @receiver ["[" "]"] @anchor) @construct)
  (#set! note "data-model") (#set! level "everyday") (#set! user-level "core") (#set! context "rt-setitem")
  (#set! analysis "dispatch:found,missing,unknown,ambiguous")
  (#set! dunders "__setitem__"))

((subscript value: (_) @receiver ["[" "]"] @anchor) @construct
  (#set! note "data-model") (#set! level "everyday") (#set! user-level "core") (#set! context "rt-getitem")
  (#set! analysis "dispatch:found,missing,unknown,ambiguous")
  (#set! dunders "__getitem__"))

((call function: (identifier) @receiver @anchor) @construct
  (#set! note "magic-methods-overview") (#set! level "everyday") (#set! user-level "core") (#set! context "rt-call")
  (#set! analysis "dispatch:found,missing,unknown,ambiguous")
  (#set! dunders "__call__"))

((call function: (identifier) @anchor arguments: (argument_list . (_) @receiver .)) @construct
  (#eq? @anchor "str") (#set! resolves "builtins.str")
  (#set! note "magic-methods") (#set! level "everyday") (#set! user-level "core") (#set! context "rt-str")
  (#set! analysis "dispatch:found,fallback,missing,unknown,ambiguous")
  (#set! dunders "__str__ __repr__"))

((call function: (identifier) @anchor arguments: (argument_list (_) @receiver)) @construct
  (#eq? @anchor "print") (#set! resolves "builtins.print")
  (#set! note "magic-methods") (#set! level "everyday") (#set! user-level "core") (#set! context "rt-str")
  (#set! analysis "dispatch:found,fallback,missing,unknown,ambiguous")
  (#set! dunders "__str__ __repr__"))

((call function: (identifier) @anchor arguments: (argument_list . (_) @receiver .)) @construct
  (#eq? @anchor "repr") (#set! resolves "builtins.repr")
  (#set! note "magic-methods") (#set! level "everyday") (#set! user-level "core") (#set! context "rt-repr")
  (#set! analysis "dispatch:found,missing,unknown,ambiguous")
  (#set! dunders "__repr__"))

((interpolation expression: (_) @receiver @anchor (type_conversion) @_conv) @construct
  (#eq? @_conv "!r")
  (#set! note "magic-methods") (#set! level "everyday") (#set! user-level "core") (#set! context "rt-format-repr")
  (#set! analysis "dispatch:found,missing,unknown,ambiguous")
  (#set! dunders "__repr__"))

((interpolation expression: (_) @receiver @anchor) @construct
  (#set! note "magic-methods") (#set! level "everyday") (#set! user-level "core") (#set! context "rt-format")
  (#set! analysis "dispatch:found,fallback,missing,unknown,ambiguous")
  (#set! dunders "__format__ __str__ __repr__"))
