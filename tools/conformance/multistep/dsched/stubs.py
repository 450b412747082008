# Minimal stand-ins for diffusers' ConfigMixin machinery so the scheduler files run unchanged.
import functools, inspect
from dataclasses import dataclass
import torch

class _Cfg(dict):
    def __getattr__(self, k):
        try:
            return self[k]
        except KeyError:
            raise AttributeError(k)
    def __setattr__(self, k, v):
        self[k] = v

def register_to_config(init):
    sig = inspect.signature(init)
    @functools.wraps(init)
    def wrapper(self, *args, **kwargs):
        bound = sig.bind(self, *args, **kwargs)
        bound.apply_defaults()
        cfg = _Cfg()
        for k, v in bound.arguments.items():
            if k != 'self':
                cfg[k] = v
        object.__setattr__(self, 'config', cfg)
        init(self, *args, **kwargs)
    return wrapper

class ConfigMixin:
    def register_to_config(self, **kw):
        self.config.update(kw)

class SchedulerMixin:
    pass

class KarrasDiffusionSchedulers:
    def __iter__(self):
        return iter([])
KarrasDiffusionSchedulers = []

@dataclass
class SchedulerOutput:
    prev_sample: torch.Tensor

class BaseOutput:
    pass

def deprecate(*a, **k):
    pass

def is_scipy_available():
    try:
        import scipy  # noqa
        return True
    except ImportError:
        return False

def randn_tensor(shape, generator=None, device=None, dtype=None):
    return torch.randn(shape, generator=generator, dtype=dtype)

class _Logger:
    def warning(self, *a, **k):
        pass
logger = _Logger()
