"""Write an object with boto3, read it back with aiobotocore, under one mock."""

import asyncio

import boto3
from aiobotocore.session import AioSession

from aiomoto import mock_aws


async def main() -> None:
    async with mock_aws():
        # A sync boto3 client writes...
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="quickstart")
        s3.put_object(Bucket="quickstart", Key="hello.txt", Body=b"Hello from boto3!")

        # ...and an async aiobotocore client reads the same in-memory backend.
        session = AioSession()
        async with session.create_client("s3", region_name="us-east-1") as aio_s3:
            response = await aio_s3.get_object(Bucket="quickstart", Key="hello.txt")
            body = await response["Body"].read()
            print(f"aiobotocore read: {body.decode()}")


if __name__ == "__main__":
    asyncio.run(main())
