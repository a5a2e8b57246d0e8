import{Ma as s,W as m,X as r,xa as e}from"./chunk-EQZICFVR.js";var i="slash_commands",o={};m(i).then(n=>{n&&typeof n=="object"&&(o={...n,...o})}).catch(()=>{});function a(n,t){t?.type!=="system"||t.subtype!=="init"||c(e(n),s(t.slash_commands))}function c(n,t){!n||!t?.length||o[n]?.join(`
`)===t.join(`
`)||(o={...o,[n]:t},r(i,o).catch(()=>{}))}function d(n){let t=s(n.model.session.slash_commands);return t?.length?(c(e(n),t),t):o[e(n)??""]??[]}export{a,d as b};
