"""aiomoto: Moto's in-process AWS mock for boto3 and aiobotocore alike.

Under one :func:`mock_aws`, sync clients (boto3, botocore) and async clients
(aiobotocore, and what is built on it) share one in-memory Moto backend.

The public names load on first use, so importing the package (as pytest does
for the plugin) costs nothing until a test asks for aiomoto.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiomoto.exceptions import (
        AiomotoError,
        MockLeakError,
        MockStateError,
        ModeConflictError,
        MotoServerError,
        NotImplementedByMotoError,
        NotInServerModeError,
        ProxyModeUnsupportedError,
        RealHTTPRequestBlockedError,
        ServerModeDependencyError,
        ServerUnreachableError,
        SnapshotError,
    )
    from aiomoto.faults import CustomErrorCode, Fault
    from aiomoto.history import AWSCall, CallHistory
    from aiomoto.mock import MockAWS, MockAWSOptions, active_mock, mock_aws, mock_aws_decorator
    from aiomoto.server import AutoEndpointMode, MotoServer
    from aiomoto.snapshots import Snapshot
    from aiomoto.stubs import Stub
    from aiomoto.testcase import (
        AsyncMockAWSMixin,
        IsolatedAsyncioMockAWSTestCase,
        MockAWSMixin,
        MockAWSTestCase,
    )

__version__ = "0.2.0"

#: Public name -> the module that defines it.
_EXPORTS = {
    "AiomotoError": "aiomoto.exceptions",
    "MockLeakError": "aiomoto.exceptions",
    "MockStateError": "aiomoto.exceptions",
    "ProxyModeUnsupportedError": "aiomoto.exceptions",
    "RealHTTPRequestBlockedError": "aiomoto.exceptions",
    "ModeConflictError": "aiomoto.exceptions",
    "MotoServerError": "aiomoto.exceptions",
    "NotImplementedByMotoError": "aiomoto.exceptions",
    "NotInServerModeError": "aiomoto.exceptions",
    "ServerModeDependencyError": "aiomoto.exceptions",
    "ServerUnreachableError": "aiomoto.exceptions",
    "SnapshotError": "aiomoto.exceptions",
    "AutoEndpointMode": "aiomoto.server",
    "MotoServer": "aiomoto.server",
    "AWSCall": "aiomoto.history",
    "CallHistory": "aiomoto.history",
    "CustomErrorCode": "aiomoto.faults",
    "Fault": "aiomoto.faults",
    "Stub": "aiomoto.stubs",
    "MockAWS": "aiomoto.mock",
    "active_mock": "aiomoto.mock",
    "mock_aws": "aiomoto.mock",
    "mock_aws_decorator": "aiomoto.mock",
    "AsyncMockAWSMixin": "aiomoto.testcase",
    "IsolatedAsyncioMockAWSTestCase": "aiomoto.testcase",
    "MockAWSMixin": "aiomoto.testcase",
    "MockAWSOptions": "aiomoto.mock",
    "MockAWSTestCase": "aiomoto.testcase",
    "Snapshot": "aiomoto.snapshots",
}

__all__ = [
    "AWSCall",
    "AiomotoError",
    "AsyncMockAWSMixin",
    "AutoEndpointMode",
    "CallHistory",
    "CustomErrorCode",
    "Fault",
    "IsolatedAsyncioMockAWSTestCase",
    "MockAWS",
    "MockAWSMixin",
    "MockAWSOptions",
    "MockAWSTestCase",
    "MockLeakError",
    "MockStateError",
    "ModeConflictError",
    "MotoServer",
    "MotoServerError",
    "NotImplementedByMotoError",
    "NotInServerModeError",
    "ProxyModeUnsupportedError",
    "RealHTTPRequestBlockedError",
    "ServerModeDependencyError",
    "ServerUnreachableError",
    "Snapshot",
    "SnapshotError",
    "Stub",
    "__version__",
    "active_mock",
    "mock_aws",
    "mock_aws_decorator",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'aiomoto' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
