"""diffuse4j shim: names exist so transformers' modules import; using any of them raises (no fast tokenizers)."""
from tokenizers import _unavailable


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return _unavailable("tokenizers.pre_tokenizers." + name)
