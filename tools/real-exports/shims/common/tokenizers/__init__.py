"""diffuse4j tools/real-exports shim for the Rust ``tokenizers`` package (not installable here).

transformers 4.38's slow tokenizers need only ``AddedToken`` (its own fallback class is an unhashable
dataclass when ``tokenizers`` is missing).  This one has the Rust class's value semantics: equality and
hash by content, ``__getstate__`` with the same keys.  No fast tokenizer: ``Tokenizer`` is absent, so any
attempt to build one fails loudly.
"""
__version__ = "0.15.2"


class AddedToken:
    def __init__(self, content="", single_word=False, lstrip=False, rstrip=False, normalized=None, special=False):
        self.content = content
        self.single_word = single_word
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.special = special
        self.normalized = normalized if normalized is not None else not special

    def __getstate__(self):
        return dict(content=self.content, single_word=self.single_word, lstrip=self.lstrip, rstrip=self.rstrip,
                    normalized=self.normalized, special=self.special)

    def __setstate__(self, state):
        # as the Rust class: updates only the fields given (transformers sets {"special", "normalized"})
        for key in ("content", "single_word", "lstrip", "rstrip", "normalized", "special"):
            if key in state:
                setattr(self, key, state[key])

    def __str__(self):
        return self.content

    def __repr__(self):
        return "AddedToken(%r, rstrip=%s, lstrip=%s, single_word=%s, normalized=%s, special=%s)" % (
            self.content, self.rstrip, self.lstrip, self.single_word, self.normalized, self.special)

    def __eq__(self, other):
        return isinstance(other, AddedToken) and other.content == self.content

    def __hash__(self):
        return hash(self.content)


class Encoding:
    """Placeholder type (transformers imports the name); a slow tokenizer never creates one."""


def _unavailable(qualname):
    def __init__(self, *args, **kwargs):
        raise RuntimeError(qualname + ": fast tokenizers are not available in this environment (diffuse4j shim)")

    return type(qualname.rsplit(".", 1)[-1], (), {"__init__": __init__, "__module__": __name__})


Tokenizer = _unavailable("tokenizers.Tokenizer")
Regex = _unavailable("tokenizers.Regex")


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _unavailable("tokenizers." + name)
