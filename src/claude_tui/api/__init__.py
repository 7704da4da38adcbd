"""The only package that imports the ``anthropic`` SDK (lazily: it takes over a second).

``client`` streams a reply as our events (``domain/events.py``); ``request`` builds what is
sent; ``errors`` puts what went wrong into an ``ErrorInfo``; ``retry`` decides when to send
again."""
