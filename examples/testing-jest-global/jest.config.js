// One emulator for the whole jest run: started before the first test file, stopped after the last, and handed to
// every test file (in every worker) through the environment. No transform settings are needed for alikms.
//   npm install --save-dev alikms jest @alicloud/kms20160120 @alicloud/rpc-client
module.exports = {
  globalSetup: 'alikms/jest-global-setup',
  globalTeardown: 'alikms/jest-global-teardown',
};
