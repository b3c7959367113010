/**
 * Entry for the PulumiPlugin.yaml launch mode: `@pulumi/pulumi/cmd/run-plugin` require()s the plugin directory's
 * package.json `main`, having already set process.argv to [node, run-plugin, <engine address>].
 */
import { runOrDie } from './main';

runOrDie();
