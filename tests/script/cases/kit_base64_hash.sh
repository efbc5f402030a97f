# base64 and hash: RFC 4648 §10 vectors for base64 (and URL-safe of the
# bytes that give + and /), FIPS 180 / RFC 1321 digests of "abc" and "",
# HMAC vectors of RFC 2202 (MD5, SHA-1) and RFC 4231 (SHA-256, SHA-512),
# raw output, the decoders' errors and an unknown algorithm; the same with
# --sandbox. The connector asserts each value and logs a few of them.
write enc.lua <<'LUA'
local function eq(got, want, what)
  if got ~= want then error(what .. ": got " .. tostring(got) .. ", expected " .. tostring(want), 2) end
end
local function err(f, want, ...)
  -- through a Lua frame (not a tail call), so the message has a file and line
  local ok, msg = pcall(function(...) local r = f(...); return r end, ...)
  if ok then error("no error, expected: " .. want, 2) end
  if not string.find(msg, want, 1, true) then error("error " .. msg .. ", expected: " .. want, 2) end
  log.info("error: " .. msg)
end
local function hex(s) return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end)) end

function update(configuration, state)
  -- RFC 4648 §10
  local v = { [""] = "", f = "Zg==", fo = "Zm8=", foo = "Zm9v", foob = "Zm9vYg==",
              fooba = "Zm9vYmE=", foobar = "Zm9vYmFy" }
  for plain, enc in pairs(v) do
    eq(base64.encode(plain), enc, "encode " .. plain)
    eq(base64.decode(enc), plain, "decode " .. enc)
    local url = enc:gsub("=", "")
    eq(base64.url_encode(plain), url, "url_encode " .. plain)
    eq(base64.url_decode(url), plain, "url_decode " .. url)
    eq(base64.url_decode(enc), plain, "url_decode padded " .. enc)
  end
  log.info("foobar=" .. base64.encode("foobar"))
  -- The bytes that give + and / (62 and 63): bytes, standard, URL-safe.
  for _, c in ipairs({ { "\xfb\xef\xbe", "++++", "----" }, { "\xff\xff\xff", "////", "____" },
                       { "\xfb\xff", "+/8=", "-_8" } }) do
    eq(base64.encode(c[1]), c[2], "encode " .. hex(c[1]))
    eq(base64.url_encode(c[1]), c[3], "url_encode " .. hex(c[1]))
    eq(base64.decode(c[2]), c[1], "decode " .. c[2])
    eq(base64.url_decode(c[3]), c[1], "url_decode " .. c[3])
  end
  log.info("fbff url=" .. base64.url_encode("\xfb\xff"))
  -- Every byte value round-trips; line breaks in the input are skipped.
  local all = {}
  for i = 0, 255 do all[#all + 1] = string.char(i) end
  all = table.concat(all)
  eq(base64.decode(base64.encode(all)), all, "round trip")
  eq(base64.url_decode(base64.url_encode(all)), all, "url round trip")
  eq(base64.decode("Zm9v\r\nYmFy\n"), "foobar", "line breaks")

  err(base64.decode, 'base64.decode: invalid character "!" at byte 5', "Zm9v!mFy")
  err(base64.decode, 'base64.decode: invalid character "\\x00" at byte 1', "\0AAA")
  err(base64.decode, 'base64.decode: invalid character "-" at byte 4 (URL-safe base64? use base64.url_decode)', "Zm9-")
  err(base64.url_decode, 'base64.url_decode: invalid character "+" at byte 1 (standard base64? use base64.decode)', "+/8")
  err(base64.decode, "base64.decode: missing padding", "Zm8")
  err(base64.decode, "base64.decode: truncated input", "Zm9vY")
  err(base64.url_decode, "base64.url_decode: truncated input", "Z")
  err(base64.decode, 'base64.decode: misplaced padding "=" at byte 2', "Z===")
  err(base64.decode, 'base64.decode: misplaced padding "=" at byte 5', "Zm9v=")
  err(base64.decode, "base64.decode: incomplete padding at byte 3", "Zg=")
  err(base64.decode, "base64.decode: data after the padding at byte 5", "Zg==Zg==")
  err(base64.decode, "base64.decode: non-zero bits after the last byte", "Zh==")
  err(base64.decode, "bad argument #1 to 'f' (string expected, got table)", {})
  err(base64.encode, "bad argument #1 to 'f' (string expected, got no value)")

  -- Digests: RFC 1321 (MD5), FIPS 180 (SHA).
  -- { digest of "", digest of "abc" }
  local digests = {
    md5 = { "d41d8cd98f00b204e9800998ecf8427e", "900150983cd24fb0d6963f7d28e17f72" },
    sha1 = { "da39a3ee5e6b4b0d3255bfef95601890afd80709", "a9993e364706816aba3e25717850c26c9cd0d89d" },
    sha256 = { "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
               "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
    sha512 = { "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
               "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" } }
  for alg, d in pairs(digests) do
    eq(hash[alg](""), d[1], alg .. " ''")
    eq(hash[alg]("abc"), d[2], alg .. " abc")
  end
  eq(hash.sha256("abc", "hex"), hash.sha256("abc"), "sha256 hex")
  log.info("sha256(abc)=" .. hash.sha256("abc"))
  -- Raw output: the digest's length in bytes, the same value as the hex.
  for alg, n in pairs({ md5 = 16, sha1 = 20, sha256 = 32, sha512 = 64 }) do
    local raw = hash[alg]("abc", "raw")
    eq(#raw, n, alg .. " raw length")
    eq(hex(raw), hash[alg]("abc"), alg .. " raw")
    eq(#hash[alg]("abc"), 2 * n, alg .. " hex length")
  end

  -- HMAC: RFC 2202 cases 1 and 2 (MD5, SHA-1), RFC 4231 cases 1 and 2 (SHA-256, SHA-512).
  local hi, jefe = "Hi There", "what do ya want for nothing?"
  -- { case 1's key length (bytes 0x0b), case 1, case 2 }
  local hmacs = {
    md5 = { 16, "9294727a3638bb1c13f48ef8158bfc9d", "750c783e6ab0b503eaa86e310a5db738" },
    sha1 = { 20, "b617318655057264e28bc0b6fb378c8ef146be00", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
    sha256 = { 20, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
               "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
    sha512 = { 20, "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
               "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" } }
  for alg, h in pairs(hmacs) do
    eq(hash.hmac(alg, string.rep("\x0b", h[1]), hi), h[2], "hmac " .. alg .. " 1")
    eq(hash.hmac(alg, "Jefe", jefe), h[3], "hmac " .. alg .. " 2")
  end
  eq(hash.hmac("sha256", "", ""), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad", "hmac empty key")
  eq(#hash.hmac("sha512", "Jefe", jefe, "raw"), 64, "hmac raw length")
  eq(hex(hash.hmac("sha1", "Jefe", jefe, "raw")), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79", "hmac raw")
  log.info("hmac-sha256=" .. hash.hmac("sha256", "Jefe", jefe))

  err(hash.hmac, 'hash.hmac: unknown algorithm "sha3", expected "md5", "sha1", "sha256" or "sha512"', "sha3", "k", "d")
  err(hash.hmac, 'hash.hmac: unknown algorithm "SHA256"', "SHA256", "k", "d")
  err(hash.sha256, 'hash.sha256: output format must be "raw" or "hex", got "base64"', "abc", "base64")
  err(hash.hmac, "bad argument #3 to 'f' (string expected, got no value)", "md5", "k")
  err(hash.md5, "bad argument #1 to 'f' (string expected, got no value)")
  log.info("all checks passed")
end
LUA

for mode in "" --sandbox; do
  run enc.lua --output o $mode
  expect_exit 0
  expect_err "INFO     foobar=Zm9vYmFy"
  expect_err "INFO     fbff url=-_8"
  expect_err 'INFO     error: enc.lua:6: base64.decode: invalid character "!" at byte 5'
  expect_err 'INFO     error: enc.lua:6: hash.hmac: unknown algorithm "sha3", expected "md5", "sha1", "sha256" or "sha512"'
  expect_err "INFO     sha256(abc)=ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
  expect_err "INFO     hmac-sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
  expect_err "INFO     all checks passed"
done

# An uncaught decoder error fails the sync with the script's file and line.
write bad.lua <<'LUA'
function update(configuration, state)
  local body = base64.url_decode("eyJ!")
end
LUA
run bad.lua --output o2
expect_exit 1
severe_is 'bad.lua:2: base64.url_decode: invalid character "!" at byte 4'
