# A database of the two documented connectors, for the cases that read one
# (sourced by run_case.sh).

# sync_documented: runs scripts/three.lua twice and
# scripts/records_without_created_at.lua once, each to exit 0; T and U are
# their warehouse.db files.
sync_documented() {
  run "$ROOT/scripts/three.lua"
  expect_exit 0
  run "$ROOT/scripts/three.lua"
  expect_exit 0
  run "$ROOT/scripts/records_without_created_at.lua"
  expect_exit 0
  T=files/three/warehouse.db
  U=files/records_without_created_at/warehouse.db
}
