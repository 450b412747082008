"""diffuse4j tools/real-exports: lets diffusers v0.31.0's import graph load on Debian's torch 1.13.

diffusers 0.31 evaluates ``PAGCFGIdentitySelfAttnProcessor2_0()`` as a default argument when
``diffusers.pipelines.pag`` is imported (optimum's TasksManager imports it through
``diffusers.pipelines.auto_pipeline``); that constructor raises on torch < 2.0 because
``torch.nn.functional.scaled_dot_product_attention`` is missing.  ``prepare()`` defines a placeholder
attribute only while those modules are imported and removes it afterwards, so every model built later
chooses its attention processor exactly as diffusers does on torch 1.13 (the classic ``AttnProcessor``).
The placeholder raises if it is ever called.
"""
import torch.nn.functional as F

_DONE = False


def _placeholder(*args, **kwargs):
    raise RuntimeError("scaled_dot_product_attention is not available on torch 1.13")


def prepare():
    global _DONE
    if _DONE:
        return
    had = hasattr(F, "scaled_dot_product_attention")
    if not had:
        F.scaled_dot_product_attention = _placeholder
    try:
        import diffusers.pipelines.auto_pipeline  # noqa: F401  (imports the PAG pipelines)
        import diffusers.pipelines.pag  # noqa: F401
        import diffusers.pipelines.pag.pag_utils  # noqa: F401
    finally:
        if not had:
            del F.scaled_dot_product_attention
    _DONE = True
