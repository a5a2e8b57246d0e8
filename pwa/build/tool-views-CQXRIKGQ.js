import{a,b,c,d,e}from"./chunk-WOP7WTHV.js";import"./chunk-UHTAWVLI.js";import"./chunk-WECLGQVN.js";export{b as commandView,d as diffView,c as preView,a as renderToolView,e as todoView};
