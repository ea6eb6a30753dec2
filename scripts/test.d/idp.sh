# The real OpenID provider the single sign-on tests log in at (tests/idp, npm oidc-provider): installed
# from its lock file when missing or changed. Sourced by scripts/test after the Python and front-end set-up.
idp_stamp="tests/idp/node_modules/.installed-$(sha256sum tests/idp/package-lock.json | cut -c1-16)"
if [ ! -f "$idp_stamp" ]; then
  log "Installing the test OpenID provider"
  (cd tests/idp && npm ci --no-audit --no-fund --loglevel=error)
  touch "$idp_stamp"
fi
