// A declaration's photos, fetched straight from the bucket and decrypted here, so the web server
// neither reads nor decrypts them (docs/storage.md, "How officers see photos"). The page gives, per
// photo, a short-lived signed link to the encrypted object (nonce(12) ‖ AES-256-GCM ciphertext ‖
// tag), its data key and the associated data it was sealed with. Progressive enhancement: whatever
// fails (no WebCrypto outside a secure context, the bucket unreachable or refusing the origin, an
// expired link, a wrong tag) shows the photo through the desk's streaming view instead.
(function () {
  "use strict";

  var NONCE_BYTES = 12;
  var holders = document.querySelectorAll("[data-sealed-url]");
  if (!holders.length) return;
  var subtle = window.crypto && window.crypto.subtle; // undefined on plain HTTP (except localhost)

  function decrypted(url, key, label) {
    // No cookies or referrer go to the storage server: the signature in the link is the only credential.
    return fetch(url, { credentials: "omit", referrerPolicy: "no-referrer" })
      .then(function (response) {
        if (!response.ok) throw new Error("the storage answered " + response.status);
        return response.arrayBuffer();
      })
      .then(function (sealed) {
        if (sealed.byteLength <= NONCE_BYTES) throw new Error("not a sealed photo");
        // The key as a JWK: its "k" is base64url, as the server writes it.
        var jwk = { kty: "oct", k: key, alg: "A256GCM", ext: false };
        return subtle.importKey("jwk", jwk, { name: "AES-GCM" }, false, ["decrypt"]).then(function (cryptoKey) {
          return subtle.decrypt(
            { name: "AES-GCM", iv: new Uint8Array(sealed, 0, NONCE_BYTES), additionalData: new TextEncoder().encode(label) },
            cryptoKey,
            new Uint8Array(sealed, NONCE_BYTES)
          );
        });
      })
      .then(function (jpeg) {
        return URL.createObjectURL(new Blob([jpeg], { type: "image/jpeg" }));
      });
  }

  Array.prototype.forEach.call(holders, function (holder) {
    var streamUrl = holder.getAttribute("data-stream-url");
    var attempt = subtle
      ? decrypted(holder.getAttribute("data-sealed-url"), holder.getAttribute("data-sealed-key"),
                  holder.getAttribute("data-sealed-label"))
      : Promise.reject(new Error("no WebCrypto here"));
    // Read once: the key does not stay in the page for other scripts or extensions to find.
    ["data-sealed-url", "data-sealed-key", "data-sealed-label"].forEach(function (name) {
      holder.removeAttribute(name);
    });

    var image = document.createElement("img");
    image.alt = holder.getAttribute("data-alt") || "";
    var streamed = function () {
      image.onerror = null;
      image.src = streamUrl;
    };
    attempt.then(function (blobUrl) {
      image.onload = function () { URL.revokeObjectURL(blobUrl); };
      image.onerror = function () { URL.revokeObjectURL(blobUrl); streamed(); };
      image.src = blobUrl;
    }, streamed);
    holder.appendChild(image);
  });
})();
