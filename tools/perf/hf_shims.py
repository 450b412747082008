"""Small shims so that transformers' pure-Python CLIPTokenizer runs without the Rust `tokenizers` package
(which PyPI would provide; this machine has no PyPI): transformers' stand-in AddedToken class defines
__eq__-less objects used as dict keys; give it the hash and equality of its content, as tokenizers' has.
Import before creating tokenizers."""
import transformers.tokenization_utils_base as _tub

if not getattr(_tub.AddedToken, "__hash__", None) or _tub.AddedToken.__hash__ is object.__hash__ \
        or _tub.AddedToken.__module__ == _tub.__name__:
    _tub.AddedToken.__hash__ = lambda self: hash(self.content)
    _tub.AddedToken.__eq__ = lambda self, other: (self.content == (other.content if isinstance(other, _tub.AddedToken)
                                                                    else other))
    if not hasattr(_tub.AddedToken, "__setstate__"):
        _tub.AddedToken.__setstate__ = lambda self, state: self.__dict__.update(state)
