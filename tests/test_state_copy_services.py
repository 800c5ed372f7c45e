"""Capture and restore of IAM, Lambda, SSM, Secrets Manager, KMS, Cognito, Events,
Step Functions, CloudFormation and EC2: exact, three rounds in a row, both SDKs.
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from aiomoto import _state_copy, mock_aws
from tests.conftest import AioClientFactory
from tests.state_copy_harness import (
    ACCOUNT,
    REGION,
    Clients,
    Context,
    Scenario,
    run_with_aiobotocore,
    run_with_boto3,
    sync_clients,
)

TRUST = json.dumps({"Version": "2012-10-17", "Statement": []})
POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
)

# -- IAM --------------------------------------------------------------------------


async def iam_seed(clients: Clients, context: Context) -> None:
    iam = await clients("iam")
    await iam("create_role", RoleName="r", AssumeRolePolicyDocument=TRUST)
    await iam("put_role_policy", RoleName="r", PolicyName="inline", PolicyDocument=POLICY)
    await iam("create_user", UserName="u")
    context["key"] = (await iam("create_access_key", UserName="u"))["AccessKey"]["AccessKeyId"]


async def iam_mutate(clients: Clients, context: Context) -> None:
    iam = await clients("iam")
    await iam("delete_role_policy", RoleName="r", PolicyName="inline")
    await iam("delete_role", RoleName="r")
    await iam("delete_access_key", UserName="u", AccessKeyId=context["key"])
    await iam("create_user", UserName="added")


async def iam_check(clients: Clients, context: Context) -> None:
    iam = await clients("iam")
    assert (await iam("list_role_policies", RoleName="r"))["PolicyNames"] == ["inline"]
    assert [u["UserName"] for u in (await iam("list_users"))["Users"]] == ["u"]
    keys = (await iam("list_access_keys", UserName="u"))["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in keys] == [context["key"]]


# -- Lambda -----------------------------------------------------------------------


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return event\n")
    return buffer.getvalue()


async def lambda_seed(clients: Clients, context: Context) -> None:
    iam = await clients("iam")
    role = await iam("create_role", RoleName="fn-role", AssumeRolePolicyDocument=TRUST)
    awslambda = await clients("lambda")
    created = await awslambda(
        "create_function",
        FunctionName="fn",
        Runtime="python3.11",
        Role=role["Role"]["Arn"],
        Handler="handler.handler",
        Code={"ZipFile": _zip()},
        Description="seeded",
    )
    context["arn"] = created["FunctionArn"]
    context["role"] = role["Role"]["Arn"]


async def lambda_mutate(clients: Clients, context: Context) -> None:
    awslambda = await clients("lambda")
    await awslambda("delete_function", FunctionName="fn")
    await awslambda(
        "create_function",
        FunctionName="fn",
        Runtime="python3.12",
        Role=context["role"],
        Handler="other.handler",
        Code={"ZipFile": _zip()},
    )


async def lambda_check(clients: Clients, context: Context) -> None:
    awslambda = await clients("lambda")
    by_arn = (await awslambda("get_function", FunctionName=context["arn"]))["Configuration"]
    assert (by_arn["Runtime"], by_arn["Description"]) == ("python3.11", "seeded")
    # The ARN index and the name index hold one and the same function.
    await awslambda("update_function_configuration", FunctionName=context["arn"], Description="x")
    by_name = (await awslambda("get_function", FunctionName="fn"))["Configuration"]
    assert by_name["Description"] == "x"


# -- SSM --------------------------------------------------------------------------


async def ssm_seed(clients: Clients, context: Context) -> None:
    ssm = await clients("ssm")
    await ssm("put_parameter", Name="/p", Value="one", Type="String")
    await ssm("put_parameter", Name="/p", Value="two", Type="String", Overwrite=True)
    await ssm(
        "add_tags_to_resource",
        ResourceType="Parameter",
        ResourceId="/p",
        Tags=[{"Key": "t", "Value": "1"}],
    )


async def ssm_mutate(clients: Clients, context: Context) -> None:
    ssm = await clients("ssm")
    await ssm("put_parameter", Name="/p", Value="three", Type="String", Overwrite=True)
    await ssm("remove_tags_from_resource", ResourceType="Parameter", ResourceId="/p", TagKeys=["t"])
    await ssm("put_parameter", Name="/added", Value="x", Type="String")


async def ssm_check(clients: Clients, context: Context) -> None:
    ssm = await clients("ssm")
    history = (await ssm("get_parameter_history", Name="/p"))["Parameters"]
    assert [(p["Version"], p["Value"]) for p in history] == [(1, "one"), (2, "two")]
    assert (await ssm("get_parameter", Name="/p:1"))["Parameter"]["Value"] == "one"
    tags = await ssm("list_tags_for_resource", ResourceType="Parameter", ResourceId="/p")
    assert tags["TagList"] == [{"Key": "t", "Value": "1"}]
    names = [p["Name"] for p in (await ssm("describe_parameters"))["Parameters"]]
    assert names == ["/p"]


# -- Secrets Manager ----------------------------------------------------------------


async def secrets_seed(clients: Clients, context: Context) -> None:
    sm = await clients("secretsmanager")
    await sm("create_secret", Name="s", SecretString="first")
    await sm("put_secret_value", SecretId="s", SecretString="second")


async def secrets_mutate(clients: Clients, context: Context) -> None:
    sm = await clients("secretsmanager")
    await sm("put_secret_value", SecretId="s", SecretString="third")
    await sm("delete_secret", SecretId="s", ForceDeleteWithoutRecovery=True)


async def secrets_check(clients: Clients, context: Context) -> None:
    sm = await clients("secretsmanager")
    current = await sm("get_secret_value", SecretId="s")
    previous = await sm("get_secret_value", SecretId="s", VersionStage="AWSPREVIOUS")
    assert (current["SecretString"], previous["SecretString"]) == ("second", "first")
    versions = (await sm("list_secret_version_ids", SecretId="s"))["Versions"]
    assert sorted(s for v in versions for s in v["VersionStages"]) == ["AWSCURRENT", "AWSPREVIOUS"]


# -- KMS --------------------------------------------------------------------------


async def kms_seed(clients: Clients, context: Context) -> None:
    kms = await clients("kms")
    key = (await kms("create_key"))["KeyMetadata"]["KeyId"]
    context["key"] = key
    context["blob"] = (await kms("encrypt", KeyId=key, Plaintext=b"secret"))["CiphertextBlob"]
    signing = await kms("create_key", KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    context["signing"] = signing["KeyMetadata"]["KeyId"]


async def kms_mutate(clients: Clients, context: Context) -> None:
    kms = await clients("kms")
    await kms("disable_key", KeyId=context["key"])
    await kms("schedule_key_deletion", KeyId=context["signing"], PendingWindowInDays=7)


async def kms_check(clients: Clients, context: Context) -> None:
    kms = await clients("kms")
    decrypted = await kms("decrypt", CiphertextBlob=context["blob"])
    assert decrypted["Plaintext"] == b"secret"
    signed = await kms(
        "sign",
        KeyId=context["signing"],
        Message=b"message",
        SigningAlgorithm="RSASSA_PSS_SHA_256",
    )
    verified = await kms(
        "verify",
        KeyId=context["signing"],
        Message=b"message",
        Signature=signed["Signature"],
        SigningAlgorithm="RSASSA_PSS_SHA_256",
    )
    assert verified["SignatureValid"] is True


# -- Cognito ------------------------------------------------------------------------


async def cognito_seed(clients: Clients, context: Context) -> None:
    idp = await clients("cognito-idp")
    pool = (await idp("create_user_pool", PoolName="pool"))["UserPool"]["Id"]
    context["pool"] = pool
    client = await idp(
        "create_user_pool_client",
        UserPoolId=pool,
        ClientName="app",
        ExplicitAuthFlows=["ADMIN_NO_SRP_AUTH"],
    )
    context["client"] = client["UserPoolClient"]["ClientId"]
    await idp("admin_create_user", UserPoolId=pool, Username="alice")
    await idp(
        "admin_set_user_password",
        UserPoolId=pool,
        Username="alice",
        Password="Passw0rd!long",
        Permanent=True,
    )


async def cognito_mutate(clients: Clients, context: Context) -> None:
    idp = await clients("cognito-idp")
    await idp("admin_delete_user", UserPoolId=context["pool"], Username="alice")
    await idp("create_user_pool", PoolName="added")


async def cognito_check(clients: Clients, context: Context) -> None:
    idp = await clients("cognito-idp")
    pools = (await idp("list_user_pools", MaxResults=10))["UserPools"]
    assert [p["Name"] for p in pools] == ["pool"]
    user = await idp("admin_get_user", UserPoolId=context["pool"], Username="alice")
    assert user["UserStatus"] == "CONFIRMED"
    auth = await idp(
        "admin_initiate_auth",
        UserPoolId=context["pool"],
        ClientId=context["client"],
        AuthFlow="ADMIN_NO_SRP_AUTH",
        AuthParameters={"USERNAME": "alice", "PASSWORD": "Passw0rd!long"},
    )
    assert auth["AuthenticationResult"]["AccessToken"]


# -- Events -------------------------------------------------------------------------


async def events_seed(clients: Clients, context: Context) -> None:
    events = await clients("events")
    await events("create_event_bus", Name="bus")
    await events("put_rule", Name="rule", EventBusName="bus", EventPattern='{"source": ["app"]}')
    await events(
        "put_targets",
        Rule="rule",
        EventBusName="bus",
        Targets=[{"Id": "t", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:target"}],
    )


async def events_mutate(clients: Clients, context: Context) -> None:
    events = await clients("events")
    await events("remove_targets", Rule="rule", EventBusName="bus", Ids=["t"])
    await events("delete_rule", Name="rule", EventBusName="bus")


async def events_check(clients: Clients, context: Context) -> None:
    events = await clients("events")
    rule = await events("describe_rule", Name="rule", EventBusName="bus")
    assert rule["EventPattern"] == '{"source": ["app"]}'
    targets = (await events("list_targets_by_rule", Rule="rule", EventBusName="bus"))["Targets"]
    assert [t["Id"] for t in targets] == ["t"]


# -- Step Functions -------------------------------------------------------------------

DEFINITION = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})


async def stepfunctions_seed(clients: Clients, context: Context) -> None:
    sfn = await clients("stepfunctions")
    machine = await sfn(
        "create_state_machine",
        name="m",
        definition=DEFINITION,
        roleArn=f"arn:aws:iam::{ACCOUNT}:role/r",
    )
    context["machine"] = machine["stateMachineArn"]
    started = await sfn("start_execution", stateMachineArn=machine["stateMachineArn"], name="e1")
    context["execution"] = started["executionArn"]


async def stepfunctions_mutate(clients: Clients, context: Context) -> None:
    sfn = await clients("stepfunctions")
    await sfn("start_execution", stateMachineArn=context["machine"], name="e2")
    await sfn("delete_state_machine", stateMachineArn=context["machine"])


async def stepfunctions_check(clients: Clients, context: Context) -> None:
    sfn = await clients("stepfunctions")
    machine = await sfn("describe_state_machine", stateMachineArn=context["machine"])
    assert machine["definition"] == DEFINITION
    executions = (await sfn("list_executions", stateMachineArn=context["machine"]))["executions"]
    assert [e["executionArn"] for e in executions] == [context["execution"]]


# -- CloudFormation -------------------------------------------------------------------

TEMPLATE = json.dumps(
    {
        "Resources": {
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "stack-bucket"}},
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "stack-queue"}},
        }
    }
)


async def cloudformation_seed(clients: Clients, context: Context) -> None:
    cfn = await clients("cloudformation")
    await cfn("create_stack", StackName="stack", TemplateBody=TEMPLATE)


async def cloudformation_mutate(clients: Clients, context: Context) -> None:
    cfn = await clients("cloudformation")
    await cfn("delete_stack", StackName="stack")


async def cloudformation_check(clients: Clients, context: Context) -> None:
    cfn = await clients("cloudformation")
    resources = (await cfn("describe_stack_resources", StackName="stack"))["StackResources"]
    assert sorted(r["PhysicalResourceId"].rsplit("/", 1)[-1] for r in resources) == [
        "stack-bucket",
        "stack-queue",
    ]
    s3 = await clients("s3")
    assert [b["Name"] for b in (await s3("list_buckets"))["Buckets"]] == ["stack-bucket"]
    sqs = await clients("sqs")
    assert len((await sqs("list_queues"))["QueueUrls"]) == 1


# -- EC2 ----------------------------------------------------------------------------


async def _run_instance(clients: Clients) -> str:
    ec2 = await clients("ec2")
    reservation = await ec2("run_instances", ImageId="ami-12c6146b", MinCount=1, MaxCount=1)
    return str(reservation["Instances"][0]["PrivateIpAddress"])


async def ec2_seed(clients: Clients, context: Context) -> None:
    await _run_instance(clients)
    east = await clients("ec2")
    west = await clients("ec2", "us-west-2")
    context["east"] = (await east("create_vpc", CidrBlock="10.1.0.0/16"))["Vpc"]["VpcId"]
    context["west"] = (await west("create_vpc", CidrBlock="10.2.0.0/16"))["Vpc"]["VpcId"]


async def ec2_mutate(clients: Clients, context: Context) -> None:
    # The address the next instance gets, had there been no restore.
    context.setdefault("next_ip", await _run_instance(clients))
    west = await clients("ec2", "us-west-2")
    await west("delete_vpc", VpcId=context["west"])


async def ec2_check(clients: Clients, context: Context) -> None:
    assert await _run_instance(clients) == context["next_ip"]
    east = await clients("ec2")
    west = await clients("ec2", "us-west-2")
    peering = await east(
        "create_vpc_peering_connection",
        VpcId=context["east"],
        PeerVpcId=context["west"],
        PeerRegion="us-west-2",
    )
    peering_id = peering["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    # The peer region's (restored) backend was told of the connection.
    seen = await west("describe_vpc_peering_connections", VpcPeeringConnectionIds=[peering_id])
    assert seen["VpcPeeringConnections"][0]["AccepterVpcInfo"]["VpcId"] == context["west"]


SCENARIOS: dict[str, Scenario] = {
    "iam": (iam_seed, iam_mutate, iam_check),
    "lambda": (lambda_seed, lambda_mutate, lambda_check),
    "ssm": (ssm_seed, ssm_mutate, ssm_check),
    "secretsmanager": (secrets_seed, secrets_mutate, secrets_check),
    "kms": (kms_seed, kms_mutate, kms_check),
    "cognito-idp": (cognito_seed, cognito_mutate, cognito_check),
    "events": (events_seed, events_mutate, events_check),
    "stepfunctions": (stepfunctions_seed, stepfunctions_mutate, stepfunctions_check),
    "cloudformation": (cloudformation_seed, cloudformation_mutate, cloudformation_check),
    "ec2": (ec2_seed, ec2_mutate, ec2_check),
}


@pytest.mark.parametrize("service", SCENARIOS)
async def test_restore_puts_back_what_boto3_built(service: str) -> None:
    await run_with_boto3(SCENARIOS[service])


@pytest.mark.parametrize("service", SCENARIOS)
async def test_restore_puts_back_what_aiobotocore_built(
    service: str, aio_client: AioClientFactory
) -> None:
    await run_with_aiobotocore(SCENARIOS[service], aio_client)


async def test_stack_resources_are_the_objects_their_services_hold() -> None:
    from moto.cloudformation.models import cloudformation_backends
    from moto.s3.models import s3_backends
    from moto.sqs.models import sqs_backends

    async with mock_aws():
        async with sync_clients() as clients:
            await cloudformation_seed(clients, {})
        data = _state_copy.capture()
        _state_copy.restore(data)
        (stack,) = cloudformation_backends[ACCOUNT][REGION].stacks.values()
        resources = stack.resource_map._parsed_resources
        assert resources["Bucket"] is s3_backends[ACCOUNT]["aws"].buckets["stack-bucket"]
        assert resources["Queue"] is sqs_backends[ACCOUNT][REGION].queues["stack-queue"]
