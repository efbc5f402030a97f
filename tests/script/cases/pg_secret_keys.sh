# A password under a key libpq does not know (README "Loading into
# PostgreSQL"): `?passwd=`, `?pwd=`, `?token=` ... libpq refuses the key
# ("invalid URI query parameter"), and the value, likely a secret, is
# shown nowhere: the message and the summary show the key with `***` for
# its value, or `***` for the whole pair when its key is not a plain word
# (an encoded '=' may have put the secret in it). Exit 2 before anything
# connects; reset and inspect say the same.
pg_reset_schema
pg_url_case
# Each: the pair as written, how it is shown, and the key libpq's message names.
for pair in "passwd=Key7secret|passwd=***|passwd" \
            "pasword=Key7secret|pasword=***|pasword" \
            "pwd=Key7secret|pwd=***|pwd" \
            "pass=Key7secret|pass=***|pass" \
            "token=Key7secret|token=***|token" \
            "Password=Key7secret|Password=***|Password" \
            "pass%77d=Key7secret|pass%77d=***|passwd" \
            "pwd%3DKey7secret=x|***|***"; do
  IFS='|' read -r given shown key <<< "$pair"
  url="$CLUA_PG_URL&$given&schema=$PG_SCHEMA"
  masked="$CLUA_PG_URL&$shown&schema=$PG_SCHEMA"
  run ok.lua --output "$url"
  expect_exit 2
  severe_is "--output $masked: invalid URI query parameter: \"$key\""
  expect_out "SYNC FAILED"
  expect_no_out Key7secret
  expect_no_err Key7secret
  run inspect --output "$url"
  expect_exit 2
  expect_err "--output $masked: invalid URI query parameter: \"$key\""
  expect_no_out Key7secret
  expect_no_err Key7secret
done
# A pair with no '=' at all: shown as *** whole, and so is libpq's quote of it.
run reset --yes --output "$CLUA_PG_URL&schema=$PG_SCHEMA&pwd%3dKey7secret"
expect_exit 2
expect_err "--output $CLUA_PG_URL&schema=$PG_SCHEMA&***: missing key/value separator \"=\" in URI query parameter: \"***\""
expect_no_out Key7secret
expect_no_err Key7secret
expect_pg "SELECT count(*) FROM pg_namespace WHERE nspname = '$PG_SCHEMA'" 0
