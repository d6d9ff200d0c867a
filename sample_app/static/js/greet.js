/*! sample_app greeting | MIT */
const greet = (who, count) => `Hello ${who}  and ${count} items // not a comment`;
const nested = (x) => `${x + `inner 'q'`}`;
