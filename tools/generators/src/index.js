module.exports = { processorGenerator: require('./processor/generator') };
