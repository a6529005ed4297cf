package io.github.wecomkit.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** WeCom's provider answers are parsed leniently into the public types. */
class SuiteRepliesTest {

    @Test
    void permanentCodeV1_inWeComsDocumentedShape_mapsEveryNamedField() throws IOException {
        String json = "{\"errcode\":0,\"errmsg\":\"ok\",\"access_token\":\"xxxxxx\",\"expires_in\":7200,"
                + "\"permanent_code\":\"xxxx\",\"dealer_corp_info\":{\"corpid\":\"xxxx\",\"corp_name\":\"name\"},"
                + "\"auth_corp_info\":{\"corpid\":\"xxxx\",\"corp_name\":\"name\",\"corp_type\":\"verified\","
                + "\"corp_square_logo_url\":\"yyyyy\",\"corp_user_max\":50,\"corp_full_name\":\"full_name\","
                + "\"verified_end_time\":1431775834,\"subject_type\":1,\"corp_wxqrcode\":\"zzzzz\","
                + "\"corp_scale\":\"1-50人\",\"corp_industry\":\"IT服务\",\"corp_sub_industry\":\"计算机软件/硬件/信息服务\"},"
                + "\"auth_info\":{\"agent\":[{\"agentid\":1,\"name\":\"NAME\",\"round_logo_url\":\"xxxxxx\","
                + "\"square_logo_url\":\"yyyyyy\",\"appid\":1,\"auth_mode\":1,\"is_customized_app\":false,"
                + "\"auth_from_thirdapp\":false,\"privilege\":{\"level\":1,\"allow_party\":[1,2,3],"
                + "\"allow_user\":[\"zhansan\",\"lisi\"],\"allow_tag\":[1,2,3],\"extra_party\":[4,5,6],"
                + "\"extra_user\":[\"wangwu\"],\"extra_tag\":[4,5,6]},\"shared_from\":{\"corpid\":\"wwyyyy\","
                + "\"share_type\":1}}]},\"auth_user_info\":{\"userid\":\"aa\",\"open_userid\":\"xxxxxx\","
                + "\"name\":\"xxx\",\"avatar\":\"http://xxx\"},\"register_code_info\":{\"register_code\":\"1111\","
                + "\"template_id\":\"tpl111\",\"state\":\"state001\"},\"state\":\"state001\"}";
        SuiteReplies.PermanentCode r = SuiteReplies.PERMANENT_CODE.readValue(json);
        AuthInfo info = r.toAuthInfo();
        assertEquals("xxxx", info.corp().corpId());
        assertEquals(50, info.corp().userMax());
        assertEquals(1431775834L, info.corp().verifiedEndTime());
        assertEquals("xxxx", info.dealerCorpId());
        AuthInfo.Agent agent = info.agents().get(0);
        assertEquals(1, agent.agentId());
        assertEquals("1", agent.appId(), "a number where WeCom's example has one is read as text");
        assertEquals(1, agent.authMode());
        assertEquals(List.of("zhansan", "lisi"), agent.privilege().allowUsers());
        assertEquals(List.of(4L, 5L, 6L), agent.privilege().extraParties());
        assertEquals("state001", r.state);
        assertEquals("aa", r.authUserInfo.toInstaller().userId());
        assertThrows(UnsupportedOperationException.class, () -> info.agents().add(agent));
    }

    @Test
    void missingAndOddFields_becomeEmptyValues() throws IOException {
        SuiteReplies.AuthInfoReply r = SuiteReplies.AUTH_INFO.readValue("{\"auth_info\":{\"agent\":[{\"agentid\":"
                + "1000002,\"is_customized_app\":1,\"privilege\":{\"allow_party\":1}},null]},\"new_field\":{}}");
        AuthInfo info = r.toAuthInfo();
        assertEquals("", info.corp().corpId());
        assertEquals(1, info.agents().size());
        assertTrue(info.agents().get(0).customizedApp(), "0/1 for a boolean");
        assertEquals(List.of(1L), info.agents().get(0).privilege().allowParties(), "a single value for a list");
        assertEquals(List.of(), info.agents().get(0).privilege().allowUsers());
        assertEquals("", info.agents().get(0).appId());
    }
}
