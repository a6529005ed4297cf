package io.github.wecomkit.suite;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.github.wecomkit.internal.ApiReply;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * WeCom's JSON answers to the provider APIs, as parsed (names mapped explicitly, unknown fields ignored), and the
 * JSON bodies sent to them. Package-private: callers only see the public result types built from these.
 */
final class SuiteReplies {
    static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Lenient: a list field that arrives as a single value is read as a list of one.
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

    static final ObjectReader SUITE_TOKEN = JSON.readerFor(SuiteToken.class);
    static final ObjectReader PRE_AUTH_CODE = JSON.readerFor(PreAuth.class);
    static final ObjectReader OK = JSON.readerFor(Ok.class);
    static final ObjectReader PERMANENT_CODE = JSON.readerFor(PermanentCode.class);
    static final ObjectReader AUTH_INFO = JSON.readerFor(AuthInfoReply.class);
    static final ObjectReader ACCESS_TOKEN = JSON.readerFor(AccessTokenReply.class);
    static final ObjectReader SESSION = JSON.readerFor(Session.class);
    static final ObjectReader PROVIDER_TOKEN = JSON.readerFor(ProviderToken.class);
    static final ObjectReader OPEN_CORP_ID = JSON.readerFor(OpenCorpId.class);

    private SuiteReplies() {
    }

    /** A JSON object of name/value pairs (values: strings, numbers, maps), in order. */
    static byte[] body(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        try {
            return JSON.writeValueAsBytes(map);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON body", e);
        }
    }

    static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    static <T> List<T> orEmpty(List<T> list) {
        if (list == null) {
            return List.of();
        }
        List<T> copy = new ArrayList<>(list.size());
        for (T t : list) {
            if (t != null) {
                copy.add(t);
            }
        }
        return copy;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Ok extends ApiReply {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class SuiteToken extends ApiReply {
        @JsonProperty("suite_access_token")
        public String suiteAccessToken;
        @JsonProperty("expires_in")
        public long expiresIn;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class ProviderToken extends ApiReply {
        @JsonProperty("provider_access_token")
        public String providerAccessToken;
        @JsonProperty("expires_in")
        public long expiresIn;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class AccessTokenReply extends ApiReply {
        @JsonProperty("access_token")
        public String accessToken;
        @JsonProperty("expires_in")
        public long expiresIn;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class PreAuth extends ApiReply {
        @JsonProperty("pre_auth_code")
        public String preAuthCode;
        @JsonProperty("expires_in")
        public long expiresIn;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Session extends ApiReply {
        public String corpid;
        public String userid;
        @JsonProperty("open_userid")
        public String openUserid;
        @JsonProperty("session_key")
        public String sessionKey;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class OpenCorpId extends ApiReply {
        @JsonProperty("open_corpid")
        public String openCorpid;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static class AuthInfoReply extends ApiReply {
        @JsonProperty("auth_corp_info")
        public CorpJson authCorpInfo;
        @JsonProperty("auth_info")
        public AuthJson authInfo;
        @JsonProperty("dealer_corp_info")
        public CorpJson dealerCorpInfo;

        AuthInfo toAuthInfo() {
            CorpJson c = authCorpInfo == null ? new CorpJson() : authCorpInfo;
            List<AuthInfo.Agent> agents = new ArrayList<>();
            if (authInfo != null) {
                for (AgentJson a : orEmpty(authInfo.agent)) {
                    agents.add(a.toAgent());
                }
            }
            return new AuthInfo(c.toCorp(), agents, dealerCorpInfo == null ? "" : orEmpty(dealerCorpInfo.corpid));
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class PermanentCode extends AuthInfoReply {
        @JsonProperty("access_token")
        public String accessToken;
        @JsonProperty("expires_in")
        public long expiresIn;
        @JsonProperty("permanent_code")
        public String permanentCode;
        @JsonProperty("auth_user_info")
        public UserJson authUserInfo;
        public String state;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class CorpJson {
        public String corpid;
        @JsonProperty("corp_name")
        public String corpName;
        @JsonProperty("corp_full_name")
        public String corpFullName;
        @JsonProperty("corp_type")
        public String corpType;
        @JsonProperty("corp_square_logo_url")
        public String corpSquareLogoUrl;
        @JsonProperty("corp_user_max")
        public long corpUserMax;
        @JsonProperty("subject_type")
        public int subjectType;
        @JsonProperty("verified_end_time")
        public long verifiedEndTime;
        @JsonProperty("corp_scale")
        public String corpScale;
        @JsonProperty("corp_industry")
        public String corpIndustry;
        @JsonProperty("corp_sub_industry")
        public String corpSubIndustry;

        AuthInfo.Corp toCorp() {
            return new AuthInfo.Corp(orEmpty(corpid), orEmpty(corpName), orEmpty(corpFullName), orEmpty(corpType),
                    orEmpty(corpSquareLogoUrl), corpUserMax, subjectType, verifiedEndTime, orEmpty(corpScale),
                    orEmpty(corpIndustry), orEmpty(corpSubIndustry));
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class AuthJson {
        public List<AgentJson> agent;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class AgentJson {
        public long agentid;
        public String name;
        @JsonProperty("square_logo_url")
        public String squareLogoUrl;
        @JsonProperty("round_logo_url")
        public String roundLogoUrl;
        public String appid;
        @JsonProperty("auth_mode")
        public int authMode;
        @JsonProperty("is_customized_app")
        public boolean isCustomizedApp;
        @JsonProperty("auth_from_thirdapp")
        public boolean authFromThirdapp;
        public PrivilegeJson privilege;

        AuthInfo.Agent toAgent() {
            PrivilegeJson p = privilege == null ? new PrivilegeJson() : privilege;
            return new AuthInfo.Agent(agentid, orEmpty(name), orEmpty(squareLogoUrl), orEmpty(roundLogoUrl),
                    orEmpty(appid), authMode, isCustomizedApp, authFromThirdapp, p.toPrivilege());
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class PrivilegeJson {
        public int level;
        @JsonProperty("allow_party")
        public List<Long> allowParty;
        @JsonProperty("allow_user")
        public List<String> allowUser;
        @JsonProperty("allow_tag")
        public List<Long> allowTag;
        @JsonProperty("extra_party")
        public List<Long> extraParty;
        @JsonProperty("extra_user")
        public List<String> extraUser;
        @JsonProperty("extra_tag")
        public List<Long> extraTag;

        AuthInfo.Privilege toPrivilege() {
            return new AuthInfo.Privilege(level, orEmpty(allowParty), orEmpty(allowUser), orEmpty(allowTag),
                    orEmpty(extraParty), orEmpty(extraUser), orEmpty(extraTag));
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class UserJson {
        public String userid;
        @JsonProperty("open_userid")
        public String openUserid;
        public String name;
        public String avatar;

        Installation.Installer toInstaller() {
            return new Installation.Installer(orEmpty(userid), orEmpty(openUserid), orEmpty(name), orEmpty(avatar));
        }
    }
}
