package io.gproxy.channel.aws;

import io.gproxy.http.Headers;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The signer against AWS's published vectors: the SigV4 test suite (awslabs aws-sig-v4-test-suite /
 * aws-c-auth: get-vanilla, get-vanilla-query-order-key-case, post-vanilla, get-utf8) and the worked IAM ListUsers
 * example of the "Create a signed AWS API request" documentation. All use the documented example key
 * {@code AKIDEXAMPLE} / {@code wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY} at 2015-08-30T12:36:00Z.
 */
class SigV4SignerTest {
    private static final SigV4Signer.Credentials EXAMPLE =
            new SigV4Signer.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", null);
    private static final Instant AT = Instant.parse("2015-08-30T12:36:00Z");
    private static final String SUITE_PREFIX = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
            + "aws4_request, SignedHeaders=host;x-amz-date, Signature=";

    private static SigV4Signer.Signature suite(String method, String url) {
        return SigV4Signer.sign(method, URI.create(url), new Headers(), null, EXAMPLE, "us-east-1", "service", AT);
    }

    @Test
    void getVanilla() {
        SigV4Signer.Signature s = suite("GET", "https://example.amazonaws.com/");
        assertEquals("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", s.canonicalRequest());
        assertEquals("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n"
                + "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63", s.stringToSign());
        assertEquals(SUITE_PREFIX + "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31", s.authorization());
    }

    @Test
    void getVanillaQueryOrderKeyCase() {
        assertEquals(SUITE_PREFIX + "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500",
                suite("GET", "https://example.amazonaws.com/?Param2=value2&Param1=value1").authorization());
    }

    @Test
    void postVanilla() {
        assertEquals(SUITE_PREFIX + "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b",
                suite("POST", "https://example.amazonaws.com/").authorization());
    }

    @Test
    void getUtf8() {
        assertEquals(SUITE_PREFIX + "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85",
                suite("GET", "https://example.amazonaws.com/\u1234").authorization());
    }

    @Test
    void documentedIamListUsersExample() {
        Headers h = new Headers().set("content-type", "application/x-www-form-urlencoded; charset=utf-8");
        SigV4Signer.Signature s = SigV4Signer.sign("GET",
                URI.create("https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08"), h, null, EXAMPLE,
                "us-east-1", "iam", AT);
        assertEquals("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
                + "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59", s.stringToSign());
        assertEquals("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
                + "SignedHeaders=content-type;host;x-amz-date, "
                + "Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7", h.firstOrNull("authorization"));
        assertEquals("20150830T123600Z", h.firstOrNull("x-amz-date"));
    }

    @Test
    void derivedSigningKeyMatchesTheSuite() {
        assertEquals("938127b5336810ddb6a5d6af445fcac9e371f9ed418ed386b022aed82901be75",
                java.util.HexFormat.of().formatHex(SigV4Signer.signingKey(EXAMPLE.secretAccessKey(), "20150830",
                        "us-east-1", "service")));
    }

    @Test
    void sessionTokenIsSignedAndBedrockColonsAreEncodedTwice() {
        SigV4Signer.Credentials temp = new SigV4Signer.Credentials("AKID", "secret", "token-1");
        Headers h = new Headers().set("content-type", "application/json").set("accept", "application/json");
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        SigV4Signer.Signature s = SigV4Signer.sign("POST",
                URI.create("https://bedrock-runtime.us-west-2.amazonaws.com/model/anthropic.claude-v2%3A1/invoke"), h,
                body, temp, "us-west-2", "bedrock", AT);
        assertEquals("content-type;host;x-amz-date;x-amz-security-token", s.signedHeaders());
        assertEquals("token-1", h.firstOrNull("x-amz-security-token"));
        String[] lines = s.canonicalRequest().split("\n");
        assertEquals("/model/anthropic.claude-v2%253A1/invoke", lines[1]);
        assertEquals(SigV4Signer.sha256Hex(body), lines[lines.length - 1]);
    }

    @Test
    void nonDefaultPortIsPartOfTheHost() {
        Headers h = new Headers();
        SigV4Signer.Signature s = SigV4Signer.sign("GET", URI.create("http://127.0.0.1:8123/x?b=2&a=1&a=0"), h, null,
                EXAMPLE, "us-east-1", "bedrock", AT);
        assertEquals("GET\n/x\na=0&a=1&b=2\nhost:127.0.0.1:8123\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
                + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", s.canonicalRequest());
    }
}
