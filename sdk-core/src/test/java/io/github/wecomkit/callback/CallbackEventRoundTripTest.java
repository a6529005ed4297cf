package io.github.wecomkit.callback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Every event type survives encrypt → envelope → decrypt with all of its fields. */
class CallbackEventRoundTripTest {
    private static final String CORP_ID = "wwcorp000000000001";
    private static final String SUITE_ID = "wwsuite00000000001";

    private final WeComCallback corp = WeComCallback.builder().token("roundTrip1").encodingAesKey(
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").receiveIds(CORP_ID).random(new Random(7)).build();
    private final WeComCallback suite = WeComCallback.builder().token("roundTrip1").encodingAesKey(
            "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG").receiveIds(SUITE_ID).random(new Random(8)).build();

    private static CallbackEvent roundTrip(WeComCallback callback, String xml) {
        EncryptedMessage m = callback.encrypt(xml);
        return callback.decrypt(m.msgSignature(), m.timestamp(), m.nonce(), m.toXml());
    }

    @Test
    void decrypt_subscribeEvent_returnsSubscribeEventWithAllFields() {
        String xml = "<xml><ToUserName><![CDATA[" + CORP_ID + "]]></ToUserName><FromUserName><![CDATA[wangwu]]>"
                + "</FromUserName><CreateTime>1700000500</CreateTime><MsgType><![CDATA[event]]></MsgType>"
                + "<Event><![CDATA[subscribe]]></Event><AgentID>1000005</AgentID></xml>";

        SubscribeEvent s = assertInstanceOf(SubscribeEvent.class, roundTrip(corp, xml));

        assertEquals(new SubscribeEvent(CORP_ID, "wangwu", Instant.ofEpochSecond(1_700_000_500L), 1_000_005L,
                Map.of("ToUserName", CORP_ID, "FromUserName", "wangwu", "CreateTime", "1700000500",
                        "MsgType", "event", "Event", "subscribe", "AgentID", "1000005")), s);
        assertEquals(List.of("ToUserName", "FromUserName", "CreateTime", "MsgType", "Event", "AgentID"),
                List.copyOf(s.fields().keySet()), "document order");
    }

    @Test
    void decrypt_unsubscribeEvent_returnsUnsubscribeEvent() {
        String xml = "<xml><ToUserName>" + CORP_ID + "</ToUserName><FromUserName>wangwu</FromUserName>"
                + "<CreateTime>1700000600</CreateTime><MsgType>event</MsgType><Event>unsubscribe</Event>"
                + "<AgentID>1000005</AgentID></xml>";

        UnsubscribeEvent u = assertInstanceOf(UnsubscribeEvent.class, roundTrip(corp, xml));

        assertEquals("wangwu", u.fromUserName());
        assertEquals(CORP_ID, u.toUserName());
        assertEquals(Instant.ofEpochSecond(1_700_000_600L), u.createTime());
        assertEquals(1_000_005L, u.agentId());
    }

    @Test
    void decrypt_suiteTicket_returnsSuiteTicketEvent() {
        String xml = "<xml><SuiteId><![CDATA[" + SUITE_ID + "]]></SuiteId><InfoType><![CDATA[suite_ticket]]>"
                + "</InfoType><TimeStamp>1700000700</TimeStamp><SuiteTicket><![CDATA[t1cket]]></SuiteTicket></xml>";

        SuiteTicketEvent t = assertInstanceOf(SuiteTicketEvent.class, roundTrip(suite, xml));

        assertEquals(SUITE_ID, t.suiteId());
        assertEquals("t1cket", t.suiteTicket());
        assertEquals(Instant.ofEpochSecond(1_700_000_700L), t.timestamp());
        assertEquals("suite_ticket", t.fields().get("InfoType"));
    }

    @Test
    void decrypt_createAuth_returnsCreateAuthEventWithStateAndExtraInfo() {
        String xml = "<xml><SuiteId><![CDATA[" + SUITE_ID + "]]></SuiteId><AuthCode><![CDATA[auth-code-1]]>"
                + "</AuthCode><InfoType><![CDATA[create_auth]]></InfoType><TimeStamp>1700000800</TimeStamp>"
                + "<State><![CDATA[from-market]]></State><ExtraInfo><![CDATA[extra]]></ExtraInfo></xml>";

        CreateAuthEvent a = assertInstanceOf(CreateAuthEvent.class, roundTrip(suite, xml));

        assertEquals(SUITE_ID, a.suiteId());
        assertEquals("auth-code-1", a.authCode());
        assertEquals("from-market", a.state());
        assertEquals(Instant.ofEpochSecond(1_700_000_800L), a.timestamp());
        assertEquals("extra", a.field("ExtraInfo").orElseThrow());
    }

    @Test
    void decrypt_createAuthWithoutState_hasEmptyState() {
        String xml = "<xml><SuiteId>" + SUITE_ID + "</SuiteId><AuthCode>c</AuthCode><InfoType>create_auth</InfoType>"
                + "<TimeStamp>1700000800</TimeStamp></xml>";

        assertEquals("", assertInstanceOf(CreateAuthEvent.class, roundTrip(suite, xml)).state());
    }

    @Test
    void decrypt_changeAuth_returnsChangeAuthEvent() {
        String xml = "<xml><SuiteId>" + SUITE_ID + "</SuiteId><InfoType>change_auth</InfoType>"
                + "<TimeStamp>1700000900</TimeStamp><AuthCorpId>wwcustomer01</AuthCorpId></xml>";

        ChangeAuthEvent c = assertInstanceOf(ChangeAuthEvent.class, roundTrip(suite, xml));

        assertEquals(new ChangeAuthEvent(SUITE_ID, "wwcustomer01", Instant.ofEpochSecond(1_700_000_900L),
                Map.of("SuiteId", SUITE_ID, "InfoType", "change_auth", "TimeStamp", "1700000900",
                        "AuthCorpId", "wwcustomer01")), c);
    }

    @Test
    void decrypt_cancelAuth_returnsCancelAuthEvent() {
        String xml = "<xml><SuiteId>" + SUITE_ID + "</SuiteId><InfoType>cancel_auth</InfoType>"
                + "<TimeStamp>1700001000</TimeStamp><AuthCorpId>wwcustomer02</AuthCorpId></xml>";

        CancelAuthEvent c = assertInstanceOf(CancelAuthEvent.class, roundTrip(suite, xml));

        assertEquals(SUITE_ID, c.suiteId());
        assertEquals("wwcustomer02", c.authCorpId());
        assertEquals(Instant.ofEpochSecond(1_700_001_000L), c.timestamp());
    }

    @Test
    void decrypt_unknownEvent_returnsOtherEventKeepingEveryField() {
        String xml = "<xml><ToUserName>" + CORP_ID + "</ToUserName><FromUserName>u1</FromUserName>"
                + "<CreateTime>1700001100</CreateTime><MsgType>event</MsgType><Event>enter_agent</Event>"
                + "<EventKey></EventKey><AgentID>1</AgentID><NewFieldFrom2030>x &amp; y &lt;z&gt;</NewFieldFrom2030>"
                + "</xml>";

        OtherEvent other = assertInstanceOf(OtherEvent.class, roundTrip(corp, xml));

        assertEquals("enter_agent", other.fields().get("Event"));
        assertEquals("", other.fields().get("EventKey"));
        assertEquals("x & y <z>", other.fields().get("NewFieldFrom2030"));
        assertEquals(8, other.fields().size());
    }

    @Test
    void decrypt_unknownSuiteCommand_returnsOtherEvent() {
        String xml = "<xml><SuiteId>" + SUITE_ID + "</SuiteId><InfoType>reset_permanent_code</InfoType>"
                + "<TimeStamp>1700001200</TimeStamp><AuthCode>c</AuthCode></xml>";

        OtherEvent other = assertInstanceOf(OtherEvent.class, roundTrip(suite, xml));

        assertEquals("reset_permanent_code", other.field("InfoType").orElseThrow());
    }

    @Test
    void decrypt_subscribeWithoutAgentId_fallsBackToOtherEventInsteadOfFailing() {
        String xml = "<xml><ToUserName>" + CORP_ID + "</ToUserName><FromUserName>u1</FromUserName>"
                + "<CreateTime>1700001300</CreateTime><MsgType>event</MsgType><Event>subscribe</Event></xml>";

        assertInstanceOf(OtherEvent.class, roundTrip(corp, xml));
    }

    @Test
    void decrypt_subscribeWithCreateTimeBeyondInstantRange_fallsBackToOtherEvent() {
        String xml = "<xml><ToUserName>" + CORP_ID + "</ToUserName><FromUserName>u1</FromUserName>"
                + "<CreateTime>9223372036854775807</CreateTime><MsgType>event</MsgType><Event>subscribe</Event>"
                + "<AgentID>1</AgentID></xml>";

        assertInstanceOf(OtherEvent.class, roundTrip(corp, xml));
    }

    @Test
    void decrypt_nestedElement_keepsInnerXmlAndFirstOfRepeatedNames() {
        String xml = "<xml><MsgType>event</MsgType><Event>LOCATION_SELECT</Event>"
                + "<SendLocationInfo><Location_X>23.1</Location_X><Label a=\"q&quot;\">A &amp; B</Label>"
                + "</SendLocationInfo><Dup>first</Dup><Dup>second</Dup></xml>";

        OtherEvent other = assertInstanceOf(OtherEvent.class, roundTrip(corp, xml));

        assertEquals("<Location_X>23.1</Location_X><Label a=\"q&quot;\">A &amp; B</Label>",
                other.fields().get("SendLocationInfo"));
        assertEquals("first", other.fields().get("Dup"));
    }

    @Test
    void fields_ofEveryEventType_areUnmodifiable() {
        CallbackEvent event = roundTrip(corp, "<xml><MsgType>text</MsgType></xml>");

        assertThrows(UnsupportedOperationException.class, () -> event.fields().put("MsgType", "x"));
    }

    @Test
    void decrypt_envelopeWithWhitespaceAndDeclaration_isAccepted() {
        EncryptedMessage m = corp.encrypt("<xml><MsgType>text</MsgType><Content>hi</Content></xml>");
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml>\n  <ToUserName><![CDATA[" + CORP_ID
                + "]]></ToUserName>\n  <Encrypt>\n" + m.encrypt() + "\n</Encrypt>\n  <AgentID>1</AgentID>\n</xml>\n";

        CallbackEvent event = corp.decrypt(m.msgSignature(), m.timestamp(), m.nonce(), body);

        assertEquals("hi", event.field("Content").orElseThrow());
    }

    @Test
    void encrypt_writesFirstReceiveIdAfterTheMessage() {
        WeComCallback multi = WeComCallback.builder().token("roundTrip1")
                .encodingAesKey("abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG")
                .receiveIds(SUITE_ID, "wwprovider000001").build();
        ReferenceCrypto reference = new ReferenceCrypto("roundTrip1", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG");

        byte[] plain = reference.decryptRaw(multi.encrypt("<xml/>").encrypt());

        String tail = new String(plain, 20 + "<xml/>".length(), SUITE_ID.length(), StandardCharsets.UTF_8);
        assertEquals(SUITE_ID, tail);
        assertEquals(List.of(SUITE_ID, "wwprovider000001"), multi.receiveIds());
    }
}
