// Figure 1: print a cached access token (ARM, the default scope, as az does).
console.log(String(token()));
