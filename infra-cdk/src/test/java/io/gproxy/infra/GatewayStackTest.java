package io.gproxy.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Synthesizes the CDK stack (with a stand-in zip, so the test does not need the real Lambda package) and checks the
 * resources: runtime, SnapStart, alias, URL modes, the exec wrapper, the table, least-privilege policies and the
 * CloudFront behaviours. Needs node for jsii (spec/aws.md B6).
 */
class GatewayStackTest {

    @TempDir
    static Path tmp;

    private static Template template;
    private static JsonNode json;
    private static JsonNode resources;

    @BeforeAll
    static void synth() throws IOException {
        Path zip = fakePackage(tmp);
        App app = new App(AppProps.builder().outdir(tmp.resolve("cdk.out").toString()).build());
        GatewayStack stack = new GatewayStack(app, "TestStack", zip.toString());
        template = Template.fromStack(stack);
        json = new ObjectMapper().valueToTree(template.toJSON());
        resources = json.path("Resources");
    }

    static Path fakePackage(Path dir) throws IOException {
        Path zip = dir.resolve("gproxy-lambda.zip");
        try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("streaming-runtime"));
            z.write("#!/bin/sh\nexec \"$@\"\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            z.closeEntry();
        }
        return zip;
    }

    // ------------------------------------------------------------------------------------------ functions

    @Test
    void eightFunctionsOnJava21Arm64WithSnapStartOnPublishedVersions() {
        template.resourceCountIs("AWS::Lambda::Function", GatewayFunction.values().length);
        template.resourcePropertiesCountIs("AWS::Lambda::Function", Map.of(
                "Runtime", "java21",
                "Architectures", List.of("arm64"),
                "SnapStart", Map.of("ApplyOn", "PublishedVersions")), GatewayFunction.values().length);
        Set<String> handlers = new HashSet<>();
        for (JsonNode fn : ofType("AWS::Lambda::Function").values()) {
            handlers.add(fn.path("Properties").path("Handler").asText());
        }
        Set<String> expected = new HashSet<>();
        for (GatewayFunction f : GatewayFunction.values()) {
            expected.add(f.handler());
        }
        assertEquals(expected, handlers);
    }

    @Test
    void memoryAndTimeoutDefaultsMatchTheSamTemplate() {
        for (GatewayFunction f : GatewayFunction.values()) {
            JsonNode props = functionOf(f).path("Properties");
            assertEquals(f.defaultMemoryMb(), props.path("MemorySize").asInt(), f.logicalId());
            assertEquals(f.defaultTimeoutSeconds(), props.path("Timeout").asInt(), f.logicalId());
        }
        assertEquals(1024, functionOf(GatewayFunction.GENERATE_CONTENT).path("Properties").path("MemorySize").asInt());
        assertEquals(900, functionOf(GatewayFunction.GENERATE_CONTENT).path("Properties").path("Timeout").asInt());
    }

    @Test
    void everyFunctionHasTheLiveAliasOnAPublishedVersion() {
        Map<String, JsonNode> aliases = ofType("AWS::Lambda::Alias");
        assertEquals(GatewayFunction.values().length, aliases.size());
        template.resourceCountIs("AWS::Lambda::Version", GatewayFunction.values().length);
        Set<String> functionsWithAlias = new HashSet<>();
        for (JsonNode alias : aliases.values()) {
            JsonNode props = alias.path("Properties");
            assertEquals(GatewayStackNames.ALIAS, props.path("Name").asText());
            String version = props.path("FunctionVersion").path("Fn::GetAtt").get(0).asText();
            assertEquals("AWS::Lambda::Version", resources.path(version).path("Type").asText());
            functionsWithAlias.add(props.path("FunctionName").path("Ref").asText());
        }
        assertEquals(functionIds(), functionsWithAlias);
    }

    @Test
    void generateContentStreamsAndEveryOtherUrlIsBuffered() {
        Map<String, JsonNode> urls = ofType("AWS::Lambda::Url");
        assertEquals(GatewayFunction.values().length, urls.size());
        for (Map.Entry<String, JsonNode> e : urls.entrySet()) {
            JsonNode props = e.getValue().path("Properties");
            assertEquals("NONE", props.path("AuthType").asText());
            // The URL points at the alias: the function plus the qualifier, created after the alias.
            assertEquals(GatewayStackNames.ALIAS, props.path("Qualifier").asText(), "URL must target the alias: " + props);
            GatewayFunction f = functionByLogicalId(props.path("TargetFunctionArn").path("Fn::GetAtt").get(0).asText());
            assertEquals(f.logicalId() + "Url", e.getKey());
            assertEquals(f.logicalId() + "Alias" + GatewayStackNames.ALIAS, e.getValue().path("DependsOn").get(0).asText());
            assertEquals(f.streaming() ? "RESPONSE_STREAM" : "BUFFERED", props.path("InvokeMode").asText(), f.logicalId());
        }
        template.resourcePropertiesCountIs("AWS::Lambda::Url", Map.of("InvokeMode", "RESPONSE_STREAM"), 1);
        template.resourcePropertiesCountIs("AWS::Lambda::Url", Map.of("InvokeMode", "BUFFERED"),
                GatewayFunction.values().length - 1);
    }

    @Test
    void publicUrlsCarryBothInvokePermissions() {
        // Since October 2025 a NONE-auth URL needs lambda:InvokeFunctionUrl and lambda:InvokeFunction.
        template.resourcePropertiesCountIs("AWS::Lambda::Permission", Map.of(
                "Action", "lambda:InvokeFunctionUrl", "Principal", "*", "FunctionUrlAuthType", "NONE"),
                GatewayFunction.values().length);
        template.resourcePropertiesCountIs("AWS::Lambda::Permission", Map.of(
                "Action", "lambda:InvokeFunction", "Principal", "*", "InvokedViaFunctionUrl", true),
                GatewayFunction.values().length);
    }

    @Test
    void onlyGenerateContentRunsTheExecWrapper() {
        for (GatewayFunction f : GatewayFunction.values()) {
            JsonNode env = functionOf(f).path("Properties").path("Environment").path("Variables");
            JsonNode wrapper = env.path(GatewayStackNames.ENV_EXEC_WRAPPER);
            if (f.streaming()) {
                assertEquals(GatewayStackNames.EXEC_WRAPPER, wrapper.asText());
            } else {
                assertTrue(wrapper.isMissingNode(), f.logicalId());
            }
            String table = env.path(GatewayStackNames.ENV_TABLE).toString();
            assertTrue(table.contains(GatewayStackNames.TABLE), table);
            String key = env.path(GatewayStackNames.ENV_KMS_KEY).toString();
            assertTrue(key.contains("Fn::GetAtt") && key.contains(GatewayStackNames.KEY) && key.contains("Arn"), key);
            assertEquals(GatewayStackNames.MAX_BODY_BYTES, env.path(GatewayStackNames.ENV_MAX_BODY_BYTES).asText());
            assertEquals("5000", env.path(GatewayStackNames.ENV_CONFIG_REFRESH_MS).asText());
            assertEquals("6", env.path(GatewayStackNames.ENV_MAX_ATTEMPTS).asText());
            assertEquals(GatewaySettings.DEFAULT_JAVA_TOOL_OPTIONS, env.path(GatewayStackNames.ENV_JAVA_TOOL_OPTIONS).asText());
            String secret = env.path(GatewayStackNames.ENV_ORIGIN_SECRET).toString();
            assertTrue(secret.contains("Fn::If") && secret.contains("OriginVerifySecret"), secret);
        }
    }

    @Test
    void everyFunctionLogsToItsOwnLogGroupWithRetention() {
        Map<String, JsonNode> groups = ofType("AWS::Logs::LogGroup");
        assertEquals(GatewayFunction.values().length, groups.size());
        for (JsonNode g : groups.values()) {
            assertEquals(30, g.path("Properties").path("RetentionInDays").asInt());
        }
        for (GatewayFunction f : GatewayFunction.values()) {
            String group = functionOf(f).path("Properties").path("LoggingConfig").path("LogGroup").path("Ref").asText();
            assertTrue(group.startsWith(f.logGroupLogicalId()), f.logicalId() + " logs to " + group);
        }
    }

    @Test
    void originSecretsAreNoEchoParameters() {
        JsonNode params = json.path("Parameters");
        assertTrue(params.path("OriginVerifySecret").path("NoEcho").asBoolean());
        assertEquals(32, params.path("OriginVerifySecret").path("MinLength").asInt());
        assertTrue(params.path("ExtraOriginVerifySecret").path("NoEcho").asBoolean());
    }

    // -------------------------------------------------------------------------------------------- state

    @Test
    void tableIsOnDemandWithTtlGsiPitrAndRetained() {
        template.hasResource("AWS::DynamoDB::Table", Map.of(
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain",
                "Properties", Match.objectLike(Map.of(
                        "TableName", GatewayStackNames.DEFAULT_TABLE_NAME,
                        "BillingMode", "PAY_PER_REQUEST",
                        "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"),
                                Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                        "TimeToLiveSpecification", Map.of("AttributeName", "ttl", "Enabled", true),
                        "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                        "GlobalSecondaryIndexes", List.of(Match.objectLike(Map.of(
                                "IndexName", "gsi1",
                                "KeySchema", List.of(Map.of("AttributeName", "gsi1pk", "KeyType", "HASH"),
                                        Map.of("AttributeName", "gsi1sk", "KeyType", "RANGE")),
                                "Projection", Map.of("ProjectionType", "ALL"))))))));
        assertEquals("AWS::DynamoDB::Table", resources.path(GatewayStackNames.TABLE).path("Type").asText(),
                "the table keeps the logical id of template.yaml");
    }

    @Test
    void keyRotatesAndIsRetained() {
        template.hasResource("AWS::KMS::Key", Map.of(
                "DeletionPolicy", "Retain",
                "UpdateReplacePolicy", "Retain",
                "Properties", Match.objectLike(Map.of("EnableKeyRotation", true))));
        assertEquals("AWS::KMS::Key", resources.path(GatewayStackNames.KEY).path("Type").asText());
        template.resourceCountIs("AWS::KMS::Alias", 1);
    }

    // ---------------------------------------------------------------------------------------------- IAM

    @Test
    void dynamoDbAndKmsStatementsAreScopedToTheTableAndTheKey() {
        List<JsonNode> statements = iamStatements();
        assertFalse(statements.isEmpty());
        int dynamo = 0;
        int kms = 0;
        for (JsonNode s : statements) {
            List<String> actions = texts(s.path("Action"));
            List<JsonNode> resourceList = new ArrayList<>();
            if (s.path("Resource").isArray()) {
                s.path("Resource").forEach(resourceList::add);
            } else {
                resourceList.add(s.path("Resource"));
            }
            for (JsonNode r : resourceList) {
                assertFalse(r.isTextual() && r.asText().equals("*"), "wildcard resource in " + s);
            }
            boolean touchesDynamo = actions.stream().anyMatch(a -> a.startsWith("dynamodb:"));
            boolean touchesKms = actions.stream().anyMatch(a -> a.startsWith("kms:"));
            assertFalse(actions.stream().anyMatch(a -> a.endsWith(":*")), "wildcard action in " + s);
            if (touchesDynamo) {
                dynamo++;
                assertTrue(actions.stream().allMatch(a -> a.startsWith("dynamodb:")), "one service per statement: " + s);
                for (JsonNode r : resourceList) {
                    String text = r.toString();
                    assertTrue(text.contains("\"" + GatewayStackNames.TABLE) && text.contains("Arn"), "table-scoped: " + s);
                }
            }
            if (touchesKms) {
                kms++;
                assertTrue(actions.stream().allMatch(a -> a.startsWith("kms:")), "one service per statement: " + s);
                assertEquals(1, resourceList.size(), s.toString());
                assertEquals("{\"Fn::GetAtt\":[\"" + GatewayStackNames.KEY + "\",\"Arn\"]}", resourceList.get(0).toString());
            }
        }
        assertEquals(3, kms, "one KMS statement per role");
        assertTrue(dynamo >= 3);
    }

    @Test
    void rolesGrantExactlyTheOperationsOfTheirFunctions() {
        Map<String, Set<String>> byRole = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : ofType("AWS::IAM::Role").entrySet()) {
            Set<String> actions = new HashSet<>();
            for (JsonNode policy : e.getValue().path("Properties").path("Policies")) {
                for (JsonNode s : policy.path("PolicyDocument").path("Statement")) {
                    actions.addAll(texts(s.path("Action")));
                }
            }
            assertTrue(e.getValue().path("Properties").path("ManagedPolicyArns").isMissingNode(), e.getKey());
            byRole.put(e.getKey(), actions);
        }
        template.resourceCountIs("AWS::IAM::Policy", 0);
        Set<String> models = only(byRole, "ModelsRole");
        Set<String> gateway = only(byRole, "GatewayRole");
        Set<String> admin = only(byRole, "AdminRole");
        // request functions: settlement deletes its reservation marker, refresh releases a lease and re-seals
        assertEquals(Set.of("logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:GetItem", "dynamodb:Query",
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem",
                "kms:GenerateDataKey", "kms:Decrypt"), gateway);
        assertEquals(gateway, models, "scoped get_model runs the same pipeline");
        assertEquals(Set.of("logs:CreateLogStream", "logs:PutLogEvents", "dynamodb:GetItem", "dynamodb:Query",
                "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem",
                "kms:GenerateDataKey", "kms:Decrypt"), admin);
        for (GatewayFunction f : GatewayFunction.values()) {
            String role = functionOf(f).path("Properties").path("Role").path("Fn::GetAtt").get(0).asText();
            String expected = switch (f.access()) {
                case MODELS -> "ModelsRole";
                case GATEWAY -> "GatewayRole";
                case ADMIN -> "AdminRole";
            };
            assertTrue(role.startsWith(expected), f.logicalId() + " runs as " + role);
        }
    }

    @Test
    void onlyTheAdminRoleQueriesTheIndex() {
        for (Map.Entry<String, JsonNode> e : ofType("AWS::IAM::Role").entrySet()) {
            boolean index = e.getValue().toString().contains("/index/*");
            assertEquals(e.getKey().startsWith("AdminRole"), index, e.getKey());
        }
    }

    // --------------------------------------------------------------------------------------- CloudFront

    @Test
    void cloudFrontBehavioursFollowTheRoutesInOrder() {
        JsonNode config = single(ofType("AWS::CloudFront::Distribution")).path("Properties").path("DistributionConfig");
        Map<String, String> originIdToFunction = new HashMap<>();
        for (JsonNode origin : config.path("Origins")) {
            String domain = origin.path("DomainName").toString();
            String url = origin.path("DomainName").path("Fn::Select").get(1).path("Fn::Split").get(1)
                    .path("Fn::GetAtt").get(0).asText();
            assertTrue(domain.contains("FunctionUrl"), domain);
            String fn = resources.path(url).path("Properties").path("TargetFunctionArn").path("Fn::GetAtt").get(0).asText();
            originIdToFunction.put(origin.path("Id").asText(), fn);
            JsonNode custom = origin.path("CustomOriginConfig");
            assertEquals("https-only", custom.path("OriginProtocolPolicy").asText());
            GatewayFunction f = functionByLogicalId(fn);
            assertEquals(f.slug(), origin.path("Id").asText());
            assertEquals(60, custom.path("OriginReadTimeout").asInt(), f.logicalId());
            assertEquals(5, custom.path("OriginKeepaliveTimeout").asInt(), f.logicalId());
            JsonNode headers = origin.path("OriginCustomHeaders");
            assertEquals(1, headers.size());
            assertEquals(GatewayStackNames.ORIGIN_VERIFY_HEADER, headers.get(0).path("HeaderName").asText());
            assertEquals("{\"Ref\":\"OriginVerifySecret\"}", headers.get(0).path("HeaderValue").toString());
        }
        assertEquals(GatewayFunction.values().length, originIdToFunction.size());

        List<String> actual = new ArrayList<>();
        for (JsonNode b : config.path("CacheBehaviors")) {
            actual.add(b.path("PathPattern").asText() + " -> " + originIdToFunction.get(b.path("TargetOriginId").asText()));
            assertBehaviour(b);
        }
        List<String> expected = new ArrayList<>();
        for (CloudFrontRoutes.Route r : CloudFrontRoutes.ROUTES) {
            expected.add(r.pathPattern() + " -> " + r.target().logicalId());
        }
        assertEquals(expected, actual);
        JsonNode defaults = config.path("DefaultCacheBehavior");
        assertEquals(CloudFrontRoutes.DEFAULT.logicalId(), originIdToFunction.get(defaults.path("TargetOriginId").asText()));
        assertBehaviour(defaults);
        assertEquals("http2and3", config.path("HttpVersion").asText());
        assertTrue(config.path("IPV6Enabled").asBoolean());
    }

    @Test
    void outputsNameTheGatewayUrlTheFunctionUrlsTheTableAndTheKey() {
        JsonNode outputs = json.path("Outputs");
        assertTrue(outputs.path("GatewayUrl").path("Value").toString().contains("DomainName"));
        for (GatewayFunction f : GatewayFunction.values()) {
            assertTrue(outputs.path(f.logicalId() + "Url").path("Value").toString().contains("FunctionUrl"), f.logicalId());
        }
        assertTrue(outputs.has("TableName"));
        assertTrue(outputs.has("SecretsKeyArn"));
    }

    @Test
    void logicalIdsAndTypesMatchTheSamTemplate() throws IOException {
        JsonNode sam = CfnYaml.read(SamTemplateTest.repoRoot().resolve("template.yaml")).path("Resources");
        List<String> mismatches = new ArrayList<>();
        sam.fields().forEachRemaining(e -> {
            String type = e.getValue().path("Type").asText();
            if (type.equals("AWS::Serverless::Function")) {
                expectType(mismatches, e.getKey(), "AWS::Lambda::Function");
                expectType(mismatches, e.getKey() + "Url", "AWS::Lambda::Url");
                expectType(mismatches, e.getKey() + "Alias" + GatewayStackNames.ALIAS, "AWS::Lambda::Alias");
            } else {
                expectType(mismatches, e.getKey(), type);
                JsonNode cdk = resources.path(e.getKey());
                for (String policy : List.of("DeletionPolicy", "UpdateReplacePolicy")) {
                    String samPolicy = e.getValue().path(policy).asText("Delete");
                    String cdkPolicy = cdk.path(policy).asText("Delete");
                    if (!samPolicy.equals(cdkPolicy)) {
                        mismatches.add(e.getKey() + " " + policy + ": SAM " + samPolicy + ", CDK " + cdkPolicy);
                    }
                }
            }
        });
        assertTrue(mismatches.isEmpty(), String.join("\n", mismatches));
        Set<String> samParameters = new HashSet<>();
        CfnYaml.read(SamTemplateTest.repoRoot().resolve("template.yaml")).path("Parameters").fieldNames()
                .forEachRemaining(samParameters::add);
        json.path("Parameters").fieldNames().forEachRemaining(p -> assertTrue(
                p.equals("BootstrapVersion") || samParameters.contains(p), "CDK parameter " + p + " is not in template.yaml"));
        Set<String> samOutputs = new HashSet<>();
        CfnYaml.read(SamTemplateTest.repoRoot().resolve("template.yaml")).path("Outputs").fieldNames()
                .forEachRemaining(samOutputs::add);
        Set<String> cdkOutputs = new HashSet<>();
        json.path("Outputs").fieldNames().forEachRemaining(cdkOutputs::add);
        assertEquals(samOutputs, cdkOutputs);
    }

    private static void expectType(List<String> mismatches, String id, String type) {
        String actual = resources.path(id).path("Type").asText();
        if (!actual.equals(type)) {
            mismatches.add(id + ": expected " + type + ", CDK has " + (actual.isEmpty() ? "nothing" : actual));
        }
    }

    // --------------------------------------------------------------------------------- settings, errors

    @Test
    void contextSettingsOverrideTheDefaults() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("custom"));
        Path zip = fakePackage(dir);
        App app = new App(AppProps.builder()
                .outdir(dir.resolve("cdk.out").toString())
                .context(Map.of("GenerateContentTimeout", "600", "ImagesMemorySize", "2048", "LogRetentionDays", "7",
                        "StreamingOriginReadTimeout", "180", "TableName", "gproxy-staging"))
                .build());
        GatewayStack stack = new GatewayStack(app, "Custom", StackProps.builder().build(), zip.toString(),
                GatewaySettings.fromContext(app.getNode()));
        Template t = Template.fromStack(stack);
        t.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", GatewayFunction.GENERATE_CONTENT.handler(), "Timeout", 600));
        t.hasResourceProperties("AWS::Lambda::Function", Map.of(
                "Handler", GatewayFunction.IMAGES.handler(), "MemorySize", 2048));
        t.allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 7));
        t.hasResourceProperties("AWS::DynamoDB::Table", Map.of("TableName", "gproxy-staging"));
        t.hasResourceProperties("AWS::CloudFront::Distribution", Match.objectLike(Map.of("DistributionConfig",
                Match.objectLike(Map.of("Origins", Match.arrayWith(List.of(Match.objectLike(Map.of(
                        "Id", GatewayFunction.GENERATE_CONTENT.slug(),
                        "CustomOriginConfig", Match.objectLike(Map.of("OriginReadTimeout", 180)))))))))));
    }

    @Test
    void invalidSettingsAndAMissingPackageAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> GatewaySettings.fromLookup(k -> k.equals("GenerateContentTimeout") ? "901" : null));
        assertThrows(IllegalArgumentException.class,
                () -> GatewaySettings.fromLookup(k -> k.equals("LogRetentionDays") ? "31" : null));
        assertThrows(IllegalArgumentException.class,
                () -> GatewaySettings.fromLookup(k -> k.equals("ModelsMemorySize") ? "lots" : null));
        App app = new App(AppProps.builder().outdir(tmp.resolve("missing.out").toString()).build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GatewayStack(app, "Missing", tmp.resolve("nope/gproxy-lambda.zip").toString()));
        assertTrue(e.getMessage().contains("mvn -B -DskipTests package"), e.getMessage());
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static void assertBehaviour(JsonNode b) {
        assertEquals("https-only", b.path("ViewerProtocolPolicy").asText());
        assertEquals(Set.of("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"), new HashSet<>(texts(b.path("AllowedMethods"))));
        assertEquals(GatewayStackNames.CACHING_DISABLED_POLICY_ID, b.path("CachePolicyId").asText());
        assertEquals(GatewayStackNames.ALL_VIEWER_EXCEPT_HOST_POLICY_ID, b.path("OriginRequestPolicyId").asText());
        assertFalse(b.path("Compress").asBoolean(true));
    }

    private static Map<String, JsonNode> ofType(String type) {
        Map<String, JsonNode> out = new HashMap<>();
        resources.fields().forEachRemaining(e -> {
            if (e.getValue().path("Type").asText().equals(type)) {
                out.put(e.getKey(), e.getValue());
            }
        });
        return out;
    }

    private static JsonNode single(Map<String, JsonNode> map) {
        assertEquals(1, map.size(), map.keySet().toString());
        return map.values().iterator().next();
    }

    private static Set<String> functionIds() {
        return ofType("AWS::Lambda::Function").keySet();
    }

    /** CDK appends a hash to logical ids; the function's id starts with the logical id of template.yaml. */
    private static JsonNode functionOf(GatewayFunction f) {
        for (Map.Entry<String, JsonNode> e : ofType("AWS::Lambda::Function").entrySet()) {
            if (e.getValue().path("Properties").path("Handler").asText().equals(f.handler())) {
                assertTrue(e.getKey().startsWith(f.logicalId()), e.getKey());
                return e.getValue();
            }
        }
        return fail("no function for " + f);
    }

    private static GatewayFunction functionByLogicalId(String id) {
        String handler = resources.path(id).path("Properties").path("Handler").asText();
        for (GatewayFunction f : GatewayFunction.values()) {
            if (f.handler().equals(handler)) {
                return f;
            }
        }
        return fail("no function " + id);
    }

    private static List<JsonNode> iamStatements() {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode role : ofType("AWS::IAM::Role").values()) {
            for (JsonNode policy : role.path("Properties").path("Policies")) {
                policy.path("PolicyDocument").path("Statement").forEach(out::add);
            }
        }
        for (JsonNode policy : ofType("AWS::IAM::Policy").values()) {
            policy.path("Properties").path("PolicyDocument").path("Statement").forEach(out::add);
        }
        return out;
    }

    private static Set<String> only(Map<String, Set<String>> byRole, String prefix) {
        Set<String> found = null;
        for (Map.Entry<String, Set<String>> e : byRole.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                assertTrue(found == null, "two roles named " + prefix);
                found = e.getValue();
            }
        }
        assertTrue(found != null, "no role " + prefix + " in " + byRole.keySet());
        return found;
    }

    private static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else if (!node.isMissingNode()) {
            out.add(node.asText());
        }
        return out;
    }
}
