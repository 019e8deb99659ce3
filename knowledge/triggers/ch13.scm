; Chapter 13: concurrency with asyncio. See src/analysis/explain.rs for the contract.
; (async def / await / async with / async for are in 00-foundation.scm; most
; asyncio names are rows of ch13.tsv.)

; ------------------------------------------------- §13.2 nested coroutines
; `await step(...)` where `step` is a function of this module: the coroutine
; runs inline, inside the current task. (`module-function` holds for any module
; function; an `await` on a plain function's call is rare: it would have to
; return an awaitable.)
((await "await" (call function: (identifier) @anchor) @arg.sub) @construct
  (#set! note "nested-coroutines") (#set! level "usage") (#set! context "ch13-await-nested")
  (#set! requires "module-function"))

; ------------------------------------------------- §13.1 functools.partial as a done callback
((call
   function: (attribute attribute: (identifier) @method)
   arguments: (argument_list
     (call function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]
           arguments: (argument_list . (_) @arg.target)) @arg.partial @construct))
  (#eq? @method "add_done_callback")
  (#set! note "event-loop") (#set! level "usage") (#set! context "ch13-partial-done-callback")
  (#set! resolves "functools.partial"))

; ------------------------------------------------- §13.3 functools.partial for loop callbacks
((call
   function: (attribute attribute: (identifier) @arg.method)
   arguments: (argument_list
     (call function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]
           arguments: (argument_list . (_) @arg.target)) @arg.partial @construct))
  (#any-of? @arg.method "call_soon" "call_soon_threadsafe" "call_later" "call_at")
  (#set! note "call-soon-later") (#set! level "usage") (#set! context "ch13-partial-call-soon")
  (#set! resolves "functools.partial"))

; ------------------------------------------------- §13.1 asyncio.run inside a coroutine
((call
   function: [(identifier) @anchor (attribute attribute: (identifier) @anchor)]) @construct
  (#set! note "event-loop") (#set! level "core") (#set! context "ch13-run-in-coroutine")
  (#set! resolves "asyncio.run")
  (#set! requires "in-async-def"))
