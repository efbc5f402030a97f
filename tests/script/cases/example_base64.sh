# examples/base64_encoding_decoding: the SDK's base64 example, run from
# another directory, with and without --sandbox: the two rows the SDK
# documents, the encoded one and the decoded one. The encoded values are
# also checked against coreutils' base64, without the runtime.
EX="$ROOT/examples/base64_encoding_decoding/connector.lua"
for v in "12345:MTIzNDU=" "John Doe:Sm9obiBEb2U=" "john.doe@example.com:am9obi5kb2VAZXhhbXBsZS5jb20="; do
  got=$(printf '%s' "${v%%:*}" | base64)
  [ "$got" = "${v#*:}" ] || fail "base64 of ${v%%:*} is $got, not ${v#*:}"
done

mkdir -p elsewhere/deeper && cd elsewhere/deeper
REL=$(realpath --relative-to=. "$EX")
for sb in "" --sandbox; do
  rm -rf o
  run "$REL" --output o $sb
  expect_exit 0
  expect_out "Upserts        | 2"
  expect_err "WARNING  Example: QuickStart Examples - Using Base64 Encoding and Decoding"
  expect_sql o/warehouse.db "SELECT id, name, email, _fivetran_deleted FROM user ORDER BY id" \
    "12345|John Doe|john.doe@example.com|0
MTIzNDU=|Sm9obiBEb2U=|am9obi5kb2VAZXhhbXBsZS5jb20=|0"
  expect_state o "{}"
done
