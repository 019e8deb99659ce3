; Chapter 12: coroutines and async I/O. See src/analysis/explain.rs for the contract.
; (yield from, x = yield, async def / await / async with / async for are in 00-foundation.scm.)

; ------------------------------------------------- §12.1 blocking vs non-blocking mode
; sock.setblocking(True): calls on the socket wait (blocking mode, the default).
((call
   function: (attribute object: (_) @arg.receiver attribute: (identifier) @anchor)
   arguments: (argument_list . [(true) (integer)] @arg.flag .)) @construct
  (#eq? @anchor "setblocking") (#any-of? @arg.flag "True" "1")
  (#set! note "concurrency-terms") (#set! level "usage") (#set! context "ch12-setblocking-true"))

; sock.getblocking(): asks which mode the socket is in.
((call
   function: (attribute object: (_) @arg.receiver attribute: (identifier) @anchor)) @construct
  (#eq? @anchor "getblocking")
  (#set! note "concurrency-terms") (#set! level "usage") (#set! context "ch12-getblocking"))

; ------------------------------------------------- §12.2 non-blocking sockets
; sock.setblocking(False): recv/send/accept never wait, they raise BlockingIOError.
((call
   function: (attribute object: (_) @arg.receiver attribute: (identifier) @anchor)
   arguments: (argument_list . [(false) (integer)] @arg.flag .)) @construct
  (#eq? @anchor "setblocking") (#any-of? @arg.flag "False" "0")
  (#set! note "io-multiplexing") (#set! level "usage") (#set! context "ch12-setblocking-false"))

; except BlockingIOError / except (BlockingIOError, ...): "not ready yet".
; (No `resolves`: BlockingIOError is not in the builtins list of module.rs.)
(except_clause
  value: [(identifier) @anchor
          (as_pattern . (identifier) @anchor)
          (as_pattern . (tuple (identifier) @anchor))
          (tuple (identifier) @anchor)
          (parenthesized_expression (identifier) @anchor)]
  (#eq? @anchor "BlockingIOError")
  (#set! note "io-multiplexing") (#set! level "usage") (#set! context "ch12-blocking-io-error"))

; ------------------------------------------------- §12.4 callback hell
; A callback defined inside a function, handed to a call there, that itself
; defines a callback and hands it on: the task is cut into nested callbacks.
(function_definition
  body: (block
    (function_definition
      name: (identifier) @anchor
      body: (block
        (function_definition name: (identifier) @inner)
        (expression_statement
          (call arguments: (argument_list
            [(identifier) @inner_arg (keyword_argument value: (identifier) @inner_arg)])))
        (#eq? @inner @inner_arg))) @construct
    (expression_statement
      (call function: (_) @arg.callee
            arguments: (argument_list
              [(identifier) @outer_arg (keyword_argument value: (identifier) @outer_arg)])))
    (#eq? @anchor @outer_arg))
  (#set! note "callback-hell") (#set! level "usage") (#set! context "ch12-callback-outer"))

; The innermost callback of such a chain.
(function_definition
  body: (block
    (function_definition
      name: (identifier) @outer_cb
      body: (block
        (function_definition name: (identifier) @anchor) @construct
        (expression_statement
          (call function: (_) @arg.callee
                arguments: (argument_list
                  [(identifier) @inner_arg (keyword_argument value: (identifier) @inner_arg)])))
        (#eq? @anchor @inner_arg)))
    (expression_statement
      (call arguments: (argument_list
        [(identifier) @outer_arg (keyword_argument value: (identifier) @outer_arg)])))
    (#eq? @outer_cb @outer_arg))
  (#set! note "callback-hell") (#set! level "usage") (#set! context "ch12-callback-inner"))

; ------------------------------------------------- §12.7 generator-based coroutines
; @types.coroutine on a generator function.
((decorated_definition
   (decorator [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @range
   definition: (function_definition name: (identifier) @arg.deco_func)) @construct
  (#set! note "generators-to-coroutines") (#set! level "core") (#set! context "ch12-types-coroutine")
  (#set! resolves "types.coroutine"))

; @asyncio.coroutine (removed in Python 3.11).
((decorated_definition
   (decorator [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @range
   definition: (function_definition name: (identifier) @arg.deco_func)) @construct
  (#set! note "generators-to-coroutines") (#set! level "core") (#set! context "ch12-asyncio-coroutine")
  (#set! resolves "asyncio.coroutine"))

; A blocking call inside `async def`: it freezes the event loop.
((call
   function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)] @arg.callee) @construct
  (#set! note "generators-to-coroutines") (#set! level "core") (#set! context "ch12-blocking-in-coroutine")
  (#set! resolves "time.sleep,requests.get,requests.post")
  (#set! requires "in-async-def"))
