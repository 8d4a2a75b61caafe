"""Just enough of the ONNX file format to hand onnxruntime a graph built in memory.

An ONNX model is a protocol-buffer message (onnx.proto3 in the ONNX repository). The few
messages and fields written here (ModelProto, GraphProto, NodeProto, AttributeProto,
TensorProto with ``raw_data``, ValueInfoProto) are encoded directly, with their field
numbers from that file, so building the e5 graph needs neither the ``onnx`` package nor
its own dependencies. onnxruntime checks the result when it loads it.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

# TensorProto.DataType values
FLOAT = 1
UINT8 = 2
INT8 = 3
INT32 = 6
INT64 = 7

_DATA_TYPES: dict[np.dtype[np.generic], int] = {
    np.dtype(np.float32): FLOAT,
    np.dtype(np.uint8): UINT8,
    np.dtype(np.int8): INT8,
    np.dtype(np.int32): INT32,
    np.dtype(np.int64): INT64,
}

# AttributeProto.AttributeType values
_ATTR_FLOAT, _ATTR_INT, _ATTR_STRING, _ATTR_INTS = 1, 2, 3, 7

IR_VERSION = 9
"""ONNX IR version 9 (ONNX 1.15); every onnxruntime since 1.16 reads it."""

AttributeValue = float | int | str | Sequence[int]


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1  # negative int64 values are ten-byte two's complement
    out = bytearray()
    while True:
        low = value & 0x7F
        value >>= 7
        if value:
            out.append(low | 0x80)
        else:
            out.append(low)
            return bytes(out)


def _int_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _bytes_field(number: int, value: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def _str_field(number: int, value: str) -> bytes:
    return _bytes_field(number, value.encode("utf-8"))


def _float_field(number: int, value: float) -> bytes:
    return _varint(number << 3 | 5) + struct.pack("<f", value)


def tensor(name: str, array: npt.NDArray[np.generic]) -> bytes:
    """A TensorProto (an initializer) holding ``array`` little-endian in ``raw_data``."""
    data = np.ascontiguousarray(array)
    kind = _DATA_TYPES.get(data.dtype)
    if kind is None:
        raise TypeError(f"no ONNX type for {data.dtype}")
    return (
        b"".join(_int_field(1, d) for d in data.shape)
        + _int_field(2, kind)
        + _str_field(8, name)
        + _bytes_field(9, data.astype(data.dtype.newbyteorder("<"), copy=False).tobytes())
    )


def _attribute(name: str, value: AttributeValue) -> bytes:
    head = _str_field(1, name)
    if isinstance(value, bool):
        raise TypeError(f"attribute {name}: booleans are ints in ONNX")
    if isinstance(value, float):
        return head + _float_field(2, value) + _int_field(20, _ATTR_FLOAT)
    if isinstance(value, int):
        return head + _int_field(3, value) + _int_field(20, _ATTR_INT)
    if isinstance(value, str):
        return head + _str_field(4, value) + _int_field(20, _ATTR_STRING)
    return head + b"".join(_int_field(8, v) for v in value) + _int_field(20, _ATTR_INTS)


def node(
    op_type: str,
    inputs: Sequence[str],
    outputs: Sequence[str],
    *,
    domain: str = "",
    **attributes: AttributeValue,
) -> bytes:
    """A NodeProto; an empty input name skips an optional input."""
    return (
        b"".join(_str_field(1, name) for name in inputs)
        + b"".join(_str_field(2, name) for name in outputs)
        + _str_field(4, op_type)
        + b"".join(_bytes_field(5, _attribute(k, v)) for k, v in attributes.items())
        + (_str_field(7, domain) if domain else b"")
    )


def value_info(name: str, elem_type: int, dims: Sequence[int | str]) -> bytes:
    """A graph input or output: element type and shape (a str is a symbolic dimension)."""
    shape = b"".join(
        _bytes_field(1, _int_field(1, d) if isinstance(d, int) else _str_field(2, d)) for d in dims
    )
    tensor_type = _int_field(1, elem_type) + _bytes_field(2, shape)
    return _str_field(1, name) + _bytes_field(2, _bytes_field(1, tensor_type))


def _field_head(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload))


def model(
    nodes: Sequence[bytes],
    initializers: Sequence[bytes],
    inputs: Sequence[bytes],
    outputs: Sequence[bytes],
    opsets: Sequence[tuple[str, int]],
    *,
    name: str = "graph",
    producer: str = "laborlens",
) -> bytes:
    """A serialised ModelProto, ready for ``onnxruntime.InferenceSession(bytes)``. The
    weights are copied twice (into the graph, then the model), never once per field."""
    parts: list[bytes] = []
    for number, messages in ((1, nodes), (5, initializers), (11, inputs), (12, outputs)):
        if number == 5:
            parts.append(_str_field(2, name))
        for message in messages:
            parts += (_field_head(number, message), message)
    graph = b"".join(parts)
    del parts
    opset_imports = b"".join(
        _bytes_field(8, (_str_field(1, domain) if domain else b"") + _int_field(2, version))
        for domain, version in opsets
    )
    return b"".join(
        (
            _int_field(1, IR_VERSION),
            _str_field(2, producer),
            _field_head(7, graph),
            graph,
            opset_imports,
        )
    )
