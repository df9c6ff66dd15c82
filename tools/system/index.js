module.exports = { ...require('./launch-system'), ...require('./scratch-workspace') };
