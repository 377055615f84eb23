"""What the tests and the benchmarks start and drive: servers, a chat client, the browser.

A development package of the checkout (``tests/`` and ``bench/`` import it), not shipped
in the wheel."""
