"""aiomoto needs no asyncio event loop: aiobotocore's httpx backend under trio."""

from __future__ import annotations

import trio
import trio.lowlevel
from aiobotocore.session import AioSession

from aiomoto import mock_aws
from tests.conftest import BACKENDS, aio_config

# aiobotocore runs on trio only with its httpx backend, which aiomoto serves
# on aiobotocore 3.x; the 2.25 line has no trio support to test.
if "httpx" in BACKENDS:

    def test_async_with_under_trio() -> None:
        async def main() -> bytes:
            async with mock_aws():
                session = AioSession()
                async with session.create_client("s3", config=aio_config("httpx")) as s3:
                    await s3.create_bucket(Bucket="trio-bucket")
                    await s3.put_object(Bucket="trio-bucket", Key="k", Body=b"from trio")
                    body = (await s3.get_object(Bucket="trio-bucket", Key="k"))["Body"]
                    async with body:
                        return bytes(await body.read())

        assert trio.run(main) == b"from trio"

    def test_decorated_coroutine_under_trio() -> None:
        @mock_aws
        async def main() -> list[str]:
            await trio.lowlevel.checkpoint()
            async with AioSession().create_client("sqs", config=aio_config("httpx")) as sqs:
                await sqs.create_queue(QueueName="trio-queue")
                return list((await sqs.list_queues())["QueueUrls"])

        (url,) = trio.run(main)
        assert url.endswith("/trio-queue")
