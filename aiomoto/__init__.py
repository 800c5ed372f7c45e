"""aiomoto: Moto's in-process AWS mock for boto3 and aiobotocore alike.

Under one :func:`mock_aws`, sync clients (boto3, botocore) and async clients
(aiobotocore, and what is built on it) share one in-memory Moto backend.
Importing aiomoto registers its aiobotocore hook, which stays inert until a
mock is active; import it before creating ``AioSession`` objects.
"""

from aiomoto import _aiobotocore
from aiomoto.exceptions import AiomotoError, MockStateError, RealHTTPRequestBlockedError
from aiomoto.mock import MockAWS, mock_aws, mock_aws_decorator

__version__ = "0.1.0"

__all__ = [
    "AiomotoError",
    "MockAWS",
    "MockStateError",
    "RealHTTPRequestBlockedError",
    "__version__",
    "mock_aws",
    "mock_aws_decorator",
]

_aiobotocore.install()
