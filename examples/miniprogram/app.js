// WeCom (企业微信) mini-program: log in through the backend in examples/LoginBackend.java.
// The mini-program never sees the session_key; it keeps only the backend's own session token.
//
// One mini-program may be bound to several corps. The first code goes to the backend without a corp; if the
// member belongs to another corp the backend serves, it answers 409 {"error":"relogin","corpId":"ww..."}.
// Codes are single-use, so the mini-program calls wx.qy.login again and posts the new code with that corpId.
// The corp is remembered, so the next launch needs one exchange.
const BACKEND = 'https://your-backend.example.com'; // must be a configured request domain
const CORP_KEY = 'wecomCorpId';

App({
  globalData: { token: null, member: null, corpId: null },

  onLaunch() {
    // wx.qy.* only exists inside the WeCom client; in WeChat the same mini-program must not try it.
    if (wx.getSystemInfoSync().environment !== 'wxwork') {
      wx.showModal({ title: 'Open in WeCom', content: 'Please open this mini-program in WeCom (企业微信).', showCancel: false });
      return;
    }
    this.login(wx.getStorageSync(CORP_KEY) || null);
  },

  // corpId: the corp to exchange the code with (from a 409, or remembered); null lets the backend use its default.
  // retried counts the automatic retries, so a persistent failure never loops.
  login(corpId, retried = 0) {
    wx.qy.login({
      success: (res) => {
        if (!res.code) {
          wx.showToast({ title: 'WeCom login failed', icon: 'none' });
          return;
        }
        wx.request({
          url: BACKEND + '/api/login',
          method: 'POST',
          header: { 'content-type': 'application/json' },
          data: corpId ? { code: res.code, corpId } : { code: res.code },
          success: (resp) => this.onLoginResponse(resp, corpId, retried),
          fail: () => wx.showToast({ title: 'Network error', icon: 'none' }),
        });
      },
      fail: () => wx.showToast({ title: 'WeCom login failed', icon: 'none' }),
    });
  },

  onLoginResponse(resp, triedCorpId, retried) {
    const body = resp.data || {};
    if (resp.statusCode === 200) {
      this.globalData.token = body.token; // send as "Authorization: Bearer <token>" on later requests
      this.globalData.member = body.member;
      this.globalData.corpId = body.corpId;
      wx.setStorageSync(CORP_KEY, body.corpId); // next launch: straight to the member's corp
      return;
    }
    if (resp.statusCode === 409 && body.error === 'relogin' && body.corpId && body.corpId !== triedCorpId
        && retried < 2) {
      // The member belongs to body.corpId: a fresh code (the first one is used up), exchanged with that corp.
      this.login(body.corpId, retried + 1);
      return;
    }
    if (resp.statusCode === 400 && body.error === 'unknown_corp' && triedCorpId && retried < 2) {
      wx.removeStorageSync(CORP_KEY); // a remembered corp the backend no longer serves: start from the default
      this.login(null, retried + 1);
      return;
    }
    if (resp.statusCode === 401 && retried < 1) {
      this.login(triedCorpId, retried + 1); // the code expired or was used: one fresh attempt
      return;
    }
    // 403: outside the app's visible range, or not in a corp served; the backend's message says what to do.
    wx.showModal({ title: 'Cannot log in', content: body.message || 'Login failed', showCancel: false });
  },
});
