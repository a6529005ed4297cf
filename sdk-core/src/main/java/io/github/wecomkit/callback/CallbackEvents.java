package io.github.wecomkit.callback;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Map;

/** Turns the fields of a decrypted callback into the most specific {@link CallbackEvent}. */
final class CallbackEvents {
    private CallbackEvents() {
    }

    /**
     * A known type whose required fields are missing or unparseable becomes an {@link OtherEvent} rather than an
     * error: WeCom has added fields and events over time, and a backend must still answer 200.
     */
    static CallbackEvent from(Map<String, String> fields) {
        String infoType = fields.get("InfoType");
        if (infoType != null) {
            return command(infoType.strip(), fields);
        }
        if ("event".equals(strip(fields.get("MsgType")))) {
            String event = strip(fields.get("Event"));
            if ("subscribe".equals(event) || "unsubscribe".equals(event)) {
                return member(event, fields);
            }
        }
        return new OtherEvent(fields);
    }

    private static CallbackEvent member(String event, Map<String, String> fields) {
        String to = fields.get("ToUserName");
        String from = fields.get("FromUserName");
        Instant created = epochSeconds(fields.get("CreateTime"));
        Long agentId = number(fields.get("AgentID"));
        if (to == null || from == null || created == null || agentId == null) {
            return new OtherEvent(fields);
        }
        return "subscribe".equals(event)
                ? new SubscribeEvent(to.strip(), from.strip(), created, agentId, fields)
                : new UnsubscribeEvent(to.strip(), from.strip(), created, agentId, fields);
    }

    private static CallbackEvent command(String infoType, Map<String, String> fields) {
        String suiteId = strip(fields.get("SuiteId"));
        Instant timestamp = epochSeconds(fields.get("TimeStamp"));
        if (suiteId == null || timestamp == null) {
            return new OtherEvent(fields);
        }
        switch (infoType) {
            case "suite_ticket": {
                String ticket = strip(fields.get("SuiteTicket"));
                return ticket == null ? new OtherEvent(fields)
                        : new SuiteTicketEvent(suiteId, ticket, timestamp, fields);
            }
            case "create_auth": {
                String authCode = strip(fields.get("AuthCode"));
                String state = strip(fields.get("State"));
                return authCode == null ? new OtherEvent(fields)
                        : new CreateAuthEvent(suiteId, authCode, timestamp, state == null ? "" : state, fields);
            }
            case "change_auth": {
                String corp = strip(fields.get("AuthCorpId"));
                return corp == null ? new OtherEvent(fields) : new ChangeAuthEvent(suiteId, corp, timestamp, fields);
            }
            case "cancel_auth": {
                String corp = strip(fields.get("AuthCorpId"));
                return corp == null ? new OtherEvent(fields) : new CancelAuthEvent(suiteId, corp, timestamp, fields);
            }
            default:
                return new OtherEvent(fields);
        }
    }

    private static String strip(String value) {
        return value == null ? null : value.strip();
    }

    private static Long number(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Instant epochSeconds(String value) {
        Long seconds = number(value);
        if (seconds == null) {
            return null;
        }
        try {
            return Instant.ofEpochSecond(seconds);
        } catch (DateTimeException e) {
            return null;
        }
    }
}
