// WeCom (企业微信) mini-program: log in through the backend in examples/LoginBackend.java.
// The mini-program never sees the session_key; it keeps only the backend's own session token.
const BACKEND = 'https://your-backend.example.com'; // must be a configured request domain

App({
  globalData: { token: null, member: null },

  onLaunch() {
    // wx.qy.* only exists inside the WeCom client; in WeChat the same mini-program must not try it.
    if (wx.getSystemInfoSync().environment !== 'wxwork') {
      wx.showModal({ title: 'Open in WeCom', content: 'Please open this mini-program in WeCom (企业微信).', showCancel: false });
      return;
    }
    this.login();
  },

  // corpId is set only on a retry the backend asked for (HTTP 409): the member belongs to another bound corp.
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
      return;
    }
    if (resp.statusCode === 409 && body.corpId && body.corpId !== triedCorpId && retried < 2) {
      this.login(body.corpId, retried + 1); // codes are single-use: a fresh wx.qy.login for that corp
      return;
    }
    if (resp.statusCode === 401 && retried < 1) {
      this.login(triedCorpId, retried + 1); // the code expired or was used: one fresh attempt
      return;
    }
    // 403: outside the app's visible range, or not a member; the backend's message says what to do.
    wx.showModal({ title: 'Cannot log in', content: body.message || 'Login failed', showCancel: false });
  },
});
