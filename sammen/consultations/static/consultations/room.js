/* Sammen video room: WebRTC mesh (1:1 and up to 4) with signalling over a WebSocket
 * (sammen/consultations/consumers.py). No framework, no CDN; served as a static file under
 * the page's CSP nonce. Nothing is recorded: media goes browser to browser (or via the
 * municipality's TURN), chat lines live only in the open pages. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("room-config").textContent);
  var T = JSON.parse(document.getElementById("room-text").textContent);
  var root = document.getElementById("room");
  var isStaff = cfg.role === "staff";
  var statusEl = document.getElementById("room-status");
  var videos = document.getElementById("videos");
  var localVideo = document.getElementById("local-video");
  var ws = null;
  var me = null;
  var localStream = new MediaStream();
  var cameraTrack = null;
  var screenTrack = null;
  var peers = new Map(); // id -> {pc, tile, video, caption, name, pending: []}
  var names = new Map();
  var state = { muted: false, camera_off: false, audio_only: false, screen: false };
  var closedByUs = false;
  var weakCount = 0;
  var everVideo = false; // did anyone send video? (audio only throughout = "Telefonisk")

  function say(text) { statusEl.textContent = text; }

  function send(message) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      message.room = cfg.room;
      ws.send(JSON.stringify(message));
    }
  }

  // --- local media -------------------------------------------------------------------------
  function constraints(kind) {
    var select = document.getElementById(kind === "video" ? "select-camera" : "select-mic");
    var id = select && select.value;
    if (kind === "video") {
      return id ? { deviceId: { exact: id }, width: { ideal: 640 }, height: { ideal: 480 } }
                : { width: { ideal: 640 }, height: { ideal: 480 } };
    }
    return id ? { deviceId: { exact: id } } : true;
  }

  async function openMedia() {
    try {
      var stream = await navigator.mediaDevices.getUserMedia({ audio: constraints("audio"), video: constraints("video") });
      stream.getTracks().forEach(function (t) { localStream.addTrack(t); });
    } catch (e) {
      try { // audio-only fallback: no camera, or the camera refused
        var audio = await navigator.mediaDevices.getUserMedia({ audio: true });
        audio.getTracks().forEach(function (t) { localStream.addTrack(t); });
        state.audio_only = true;
      } catch (e2) {
        say(T.noMedia);
      }
    }
    cameraTrack = localStream.getVideoTracks()[0] || null;
    localVideo.srcObject = localStream;
    await listDevices();
  }

  async function listDevices() {
    if (!navigator.mediaDevices.enumerateDevices) { return; }
    var devices = await navigator.mediaDevices.enumerateDevices();
    fill("select-camera", devices.filter(function (d) { return d.kind === "videoinput"; }), T.camera, cameraTrack);
    fill("select-mic", devices.filter(function (d) { return d.kind === "audioinput"; }), T.microphone, localStream.getAudioTracks()[0]);
  }

  function fill(id, list, label, track) {
    var select = document.getElementById(id);
    if (!select) { return; }
    var current = track && track.getSettings ? track.getSettings().deviceId : "";
    select.textContent = "";
    list.forEach(function (d, i) {
      var option = document.createElement("option");
      option.value = d.deviceId;
      option.textContent = d.label || (label + " " + (i + 1));
      if (d.deviceId === current) { option.selected = true; }
      select.appendChild(option);
    });
  }

  function senders(kind) {
    var found = [];
    peers.forEach(function (p) {
      p.pc.getTransceivers().forEach(function (tr) {
        if (tr.receiver.track && tr.receiver.track.kind === kind) { found.push(tr.sender); }
      });
    });
    return found;
  }

  async function replaceTrack(kind, track) {
    var old = kind === "video" ? localStream.getVideoTracks() : localStream.getAudioTracks();
    old.forEach(function (t) { localStream.removeTrack(t); if (t !== screenTrack && t !== track) { t.stop(); } });
    if (track) { localStream.addTrack(track); }
    await Promise.all(senders(kind).map(function (s) { return s.replaceTrack(track); }));
  }

  async function switchDevice(kind) {
    try {
      var c = {}; c[kind] = constraints(kind);
      var stream = await navigator.mediaDevices.getUserMedia(c);
      var track = kind === "video" ? stream.getVideoTracks()[0] : stream.getAudioTracks()[0];
      if (kind === "video") { cameraTrack = track; if (state.screen || state.audio_only) { return; } }
      if (kind === "audio") { track.enabled = !state.muted; }
      await replaceTrack(kind, track);
    } catch (e) { say(T.noMedia); }
  }

  // --- peers (mesh) ------------------------------------------------------------------------
  function tileFor(id) {
    var figure = document.createElement("figure");
    figure.className = "tile tile--remote";
    figure.dataset.peer = id;
    var video = document.createElement("video");
    video.autoplay = true;
    video.playsInline = true;
    var caption = document.createElement("figcaption");
    caption.textContent = names.get(id) || "";
    figure.appendChild(video);
    figure.appendChild(caption);
    videos.appendChild(figure);
    return { tile: figure, video: video, caption: caption };
  }

  function currentTrack(kind) {
    if (kind === "audio") { return localStream.getAudioTracks()[0] || null; }
    return state.screen ? screenTrack : (state.audio_only ? null : cameraTrack);
  }

  function peerFor(id, initiator) {
    var existing = peers.get(id);
    if (existing) { return existing; }
    var pc = new RTCPeerConnection({ iceServers: cfg.iceServers || [] });
    var view = tileFor(id);
    var peer = { pc: pc, tile: view.tile, video: view.video, caption: view.caption, pending: [] };
    peers.set(id, peer);
    if (initiator) {
      // Always one audio and one video transceiver, so a track can be swapped in later
      // (camera change, screen sharing, back from audio-only) without renegotiation. The
      // answering side takes the transceivers the offer made (onSignal).
      pc.addTransceiver(currentTrack("audio") || "audio", { direction: "sendrecv", streams: [localStream] });
      pc.addTransceiver(currentTrack("video") || "video", { direction: "sendrecv", streams: [localStream] });
    }
    pc.onicecandidate = function (event) {
      if (event.candidate) { send({ type: "signal", to: id, candidate: event.candidate.toJSON() }); }
    };
    pc.ontrack = function (event) {
      var stream = event.streams && event.streams[0];
      if (!stream) {
        stream = peer.video.srcObject || new MediaStream();
        stream.addTrack(event.track);
      }
      peer.video.srcObject = stream;
      if (event.track.kind === "video") {
        event.track.onunmute = function () { everVideo = true; };
      }
      var played = peer.video.play();
      if (played && played.catch) { played.catch(function () {}); }
    };
    pc.onconnectionstatechange = function () {
      if (pc.connectionState === "failed") { pc.restartIce && pc.restartIce(); }
    };
    return peer;
  }

  function dropPeer(id) {
    var peer = peers.get(id);
    if (!peer) { return; }
    peer.pc.close();
    peer.tile.remove();
    peers.delete(id);
  }

  async function call(id) {
    var peer = peerFor(id, true);
    var offer = await peer.pc.createOffer();
    await peer.pc.setLocalDescription(offer);
    send({ type: "signal", to: id, sdp: { type: peer.pc.localDescription.type, sdp: peer.pc.localDescription.sdp } });
  }

  async function onSignal(message) {
    var peer = peerFor(message.from, false);
    var pc = peer.pc;
    if (message.sdp) {
      await pc.setRemoteDescription(message.sdp);
      if (message.sdp.type === "offer") {
        for (var tr of pc.getTransceivers()) {
          var kind = tr.receiver.track.kind;
          tr.direction = "sendrecv";
          if (tr.sender.setStreams) { tr.sender.setStreams(localStream); }
          await tr.sender.replaceTrack(currentTrack(kind));
        }
      }
      while (peer.pending.length) { await pc.addIceCandidate(peer.pending.shift()); }
      if (message.sdp.type === "offer") {
        var answer = await pc.createAnswer();
        await pc.setLocalDescription(answer);
        send({ type: "signal", to: message.from, sdp: { type: pc.localDescription.type, sdp: pc.localDescription.sdp } });
      }
    } else if (message.candidate) {
      if (pc.remoteDescription) { await pc.addIceCandidate(message.candidate); }
      else { peer.pending.push(message.candidate); }
    }
  }

  // --- waiting room (host) -----------------------------------------------------------------
  function renderLobby(waiting) {
    var list = document.getElementById("lobby-list");
    if (!list) { return; }
    list.textContent = "";
    if (!waiting.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = T.nobodyWaiting;
      list.appendChild(none);
      return;
    }
    waiting.forEach(function (p) {
      var li = document.createElement("li");
      li.className = "list__item";
      li.textContent = p.name + " ";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn--small";
      button.textContent = T.admit + " " + p.name;
      button.dataset.admit = p.id;
      button.addEventListener("click", function () { send({ type: "admit", participant: p.id }); });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  // --- chat --------------------------------------------------------------------------------
  function chatLine(from, text) {
    var li = document.createElement("li");
    var who = document.createElement("strong");
    who.textContent = (me && from.id === me.id ? T.you : from.name) + ": ";
    li.appendChild(who);
    li.appendChild(document.createTextNode(text));
    document.getElementById("chat-log").appendChild(li);
  }

  // --- the socket --------------------------------------------------------------------------
  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(scheme + location.host + cfg.ws);
    ws.onmessage = function (event) {
      var m = JSON.parse(event.data);
      switch (m.type) {
        case "refused": closedByUs = true; say(m.text); break;
        case "waiting": me = m.me; say(T.waiting); break;
        case "welcome":
          me = m.me;
          root.dataset.state = "in-call";
          m.peers.forEach(function (p) { names.set(p.id, p.name); });
          say(m.peers.length ? T.inCall : T.alone);
          m.peers.forEach(function (p) { call(p.id); });
          send({ type: "media", muted: state.muted, camera_off: state.camera_off, audio_only: state.audio_only });
          break;
        case "peer-joined":
          names.set(m.peer.id, m.peer.name);
          say(T.inCall);
          break;
        case "peer-left": dropPeer(m.peer.id); break;
        case "signal": onSignal(m).catch(function (e) { say(T.error + ": " + e.message); }); break;
        case "lobby": renderLobby(m.waiting); break;
        case "chat": chatLine(m.from, m.text); break;
        case "media": {
          var peer = peers.get(m.from);
          if (peer) {
            var extra = [];
            if (m.state.muted) { extra.push(T.muted); }
            if (m.state.audio_only) { extra.push(T.audioOnlyPeer); }
            peer.caption.textContent = (names.get(m.from) || "") + (extra.length ? " (" + extra.join(", ") + ")" : "");
          }
          break;
        }
        case "ended": closedByUs = true; hangUp(); say(T.ended); break;
        case "replaced": closedByUs = true; hangUp(); say(T.replaced); break;
        case "error": say(T.error + ": " + m.text); break;
      }
    };
    ws.onclose = function () { if (!closedByUs) { say(T.lost); } };
  }

  function hangUp() {
    peers.forEach(function (_p, id) { dropPeer(id); });
    localStream.getTracks().forEach(function (t) { t.stop(); });
    if (screenTrack) { screenTrack.stop(); }
    root.dataset.state = "ended";
  }

  // --- controls ----------------------------------------------------------------------------
  function toggle(button, on, onText, offText) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
    button.textContent = on ? onText : offText;
  }

  function bind(id, handler) {
    var el = document.getElementById(id);
    if (el) { el.addEventListener("click", handler); }
    return el;
  }

  var muteButton = bind("btn-mute", function () {
    state.muted = !state.muted;
    localStream.getAudioTracks().forEach(function (t) { t.enabled = !state.muted; });
    toggle(muteButton, state.muted, T.unmute, T.mute);
    send({ type: "media", muted: state.muted });
  });

  var cameraButton = bind("btn-camera", function () {
    state.camera_off = !state.camera_off;
    localStream.getVideoTracks().forEach(function (t) { t.enabled = !state.camera_off; });
    toggle(cameraButton, state.camera_off, T.cameraOn, T.cameraOff);
    send({ type: "media", camera_off: state.camera_off });
  });

  async function setAudioOnly(on) {
    state.audio_only = on;
    toggle(audioOnlyButton, on, T.video, T.audioOnly);
    if (on) {
      await replaceTrack("video", null);
    } else {
      if (!cameraTrack || cameraTrack.readyState === "ended") {
        try {
          var stream = await navigator.mediaDevices.getUserMedia({ video: constraints("video") });
          cameraTrack = stream.getVideoTracks()[0];
        } catch (e) { say(T.noMedia); return; }
      }
      await replaceTrack("video", cameraTrack);
    }
    send({ type: "media", audio_only: on });
  }

  var audioOnlyButton = bind("btn-audio-only", function () { setAudioOnly(!state.audio_only); });

  var screenButton = bind("btn-screen", async function () {
    if (!isStaff) { return; }
    if (state.screen) { stopScreen(); return; }
    try {
      var display = await navigator.mediaDevices.getDisplayMedia({ video: true });
      screenTrack = display.getVideoTracks()[0];
      screenTrack.onended = stopScreen;
      state.screen = true;
      await Promise.all(senders("video").map(function (s) { return s.replaceTrack(screenTrack); }));
      toggle(screenButton, true, T.stopShare, T.share);
      send({ type: "media", screen: true });
    } catch (e) { /* the person chose not to share */ }
  });

  async function stopScreen() {
    if (!state.screen) { return; }
    state.screen = false;
    if (screenTrack) { screenTrack.stop(); screenTrack = null; }
    await Promise.all(senders("video").map(function (s) { return s.replaceTrack(state.audio_only ? null : cameraTrack); }));
    toggle(screenButton, false, T.stopShare, T.share);
    send({ type: "media", screen: false });
  }

  bind("btn-leave", function () {
    closedByUs = true;
    if (isStaff) { send({ type: "end" }); }
    hangUp();
    if (ws) { ws.close(1000); }
    if (isStaff && root.dataset.endUrl) {
      var audioOnly = state.audio_only && !everVideo;
      location.href = root.dataset.endUrl + (audioOnly ? "?kontaktform=telefonisk" : "");
    }
    else { say(T.left); }
  });

  ["select-camera", "select-mic"].forEach(function (id) {
    var select = document.getElementById(id);
    if (select) {
      select.addEventListener("change", function () { switchDevice(id === "select-camera" ? "video" : "audio"); });
    }
  });

  document.getElementById("chat-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var input = document.getElementById("chat-input");
    var text = input.value.trim();
    if (text) { send({ type: "chat", text: text }); input.value = ""; }
  });

  // Poor bandwidth: when the estimated outgoing bitrate stays under 150 kbit/s, go audio-only.
  setInterval(async function () {
    if (state.audio_only || !peers.size) { return; }
    var weak = false;
    for (var peer of peers.values()) {
      var stats = await peer.pc.getStats();
      stats.forEach(function (s) {
        if (s.type === "candidate-pair" && s.nominated && s.availableOutgoingBitrate !== undefined &&
            s.availableOutgoingBitrate < 150000) { weak = true; }
      });
    }
    weakCount = weak ? weakCount + 1 : 0;
    if (weakCount >= 3) { weakCount = 0; await setAudioOnly(true); say(T.audioOnlyAuto); }
  }, 4000);

  // For the browser tests and support: the peer connections (read-only use).
  window.sammenRoom = { peers: peers };

  openMedia().then(function () {
    if (state.audio_only) { toggle(audioOnlyButton, true, T.video, T.audioOnly); }
    connect();
  });
})();
