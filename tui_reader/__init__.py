"""tui-reader: a keyboard-first terminal reader for the Hugging Face Daily Papers listing.

Data flows one way: corpus (files -> papers) -> search (index + query) -> store (marks)
-> app (Textual screens) -> cli (entry point).
"""

__version__ = "0.1.0"
