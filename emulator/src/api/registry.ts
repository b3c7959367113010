/**
 * Every KMS action the emulator answers, by wire name. An action is added by writing its file in actions/ and
 * listing it here; nothing else routes requests.
 */
import { authorized, type Action } from './action';
import { DescribeAccountKmsStatus, GetDefaultKmsInstance, OpenKmsService } from './actions/account';
import { ConnectKmsInstance } from './actions/connect-kms-instance';
import { GetKmsInstance } from './actions/get-kms-instance';
import { GetKmsInstanceQuotaInfos } from './actions/get-kms-instance-quota-infos';
import { ListKmsInstances } from './actions/list-kms-instances';
import { ReleaseKmsInstance } from './actions/release-kms-instance';
import { UpdateKmsInstance } from './actions/update-kms-instance';
import { UpdateKmsInstanceBindVpc } from './actions/update-kms-instance-bind-vpc';
import { CreateInstance } from './bss/create-instance';
import { BSS_VERSION } from './bss/envelope';
import { ModifyInstance } from './bss/modify-instance';
import { QueryAvailableInstances } from './bss/query-available-instances';
import { RefundInstance } from './bss/refund-instance';
import { SetRenewal } from './bss/set-renewal';
import { CancelKeyDeletion } from './actions/cancel-key-deletion';
import { CreateAlias } from './actions/create-alias';
import { CreateKey } from './actions/create-key';
import { CreateKeyVersion } from './actions/create-key-version';
import { DeleteAlias } from './actions/delete-alias';
import { DescribeKey } from './actions/describe-key';
import { DescribeKeyVersion } from './actions/describe-key-version';
import { DescribeRegions } from './actions/describe-regions';
import { DisableKey } from './actions/disable-key';
import { EnableKey } from './actions/enable-key';
import { GetKeyPolicy, SetKeyPolicy } from './actions/key-policy';
import { ListAliases, ListAliasesByKeyId } from './actions/list-aliases';
import { ListKeyVersions } from './actions/list-key-versions';
import { ListKeys } from './actions/list-keys';
import { ScheduleKeyDeletion } from './actions/schedule-key-deletion';
import { SetDeletionProtection } from './actions/set-deletion-protection';
import { ListResourceTags, TagResource, UntagResource } from './actions/tag-resource';
import { ListTagResources, TagResources, UntagResources } from './actions/tag-resources';
import { UpdateAlias } from './actions/update-alias';
import { UpdateKeyDescription } from './actions/update-key-description';
import { UpdateRotationPolicy } from './actions/update-rotation-policy';
// The data plane (cryptographic operations and BYOK)
import { AsymmetricDecrypt } from './actions/asymmetric-decrypt';
import { AsymmetricEncrypt } from './actions/asymmetric-encrypt';
import { AsymmetricSign } from './actions/asymmetric-sign';
import { AsymmetricVerify } from './actions/asymmetric-verify';
import { Decrypt } from './actions/decrypt';
import { DeleteKeyMaterial } from './actions/delete-key-material';
import { Encrypt } from './actions/encrypt';
import { ExportDataKey } from './actions/export-data-key';
import { GenerateAndExportDataKey } from './actions/generate-and-export-data-key';
import { GenerateDataKey } from './actions/generate-data-key';
import { GenerateDataKeyWithoutPlaintext } from './actions/generate-data-key-without-plaintext';
import { GenerateMac, VerifyMac } from './actions/generate-mac';
import { GetParametersForImport } from './actions/get-parameters-for-import';
import { GetPublicKey } from './actions/get-public-key';
import { ImportKeyMaterial } from './actions/import-key-material';
import { ReEncrypt } from './actions/re-encrypt';

export const KMS_VERSION = '2016-01-20';

const ACTIONS: Action[] = [
  // Keys
  CreateKey,
  DescribeKey,
  ListKeys,
  EnableKey,
  DisableKey,
  ScheduleKeyDeletion,
  CancelKeyDeletion,
  SetDeletionProtection,
  UpdateKeyDescription,
  UpdateRotationPolicy,
  GetKeyPolicy,
  SetKeyPolicy,
  DescribeRegions,
  // Key versions
  CreateKeyVersion,
  DescribeKeyVersion,
  ListKeyVersions,
  // Aliases
  CreateAlias,
  UpdateAlias,
  DeleteAlias,
  ListAliases,
  ListAliasesByKeyId,
  // Tags
  TagResource,
  UntagResource,
  ListResourceTags,
  TagResources,
  UntagResources,
  ListTagResources,
  // Cryptographic operations
  Encrypt,
  Decrypt,
  ReEncrypt,
  GenerateDataKey,
  GenerateDataKeyWithoutPlaintext,
  GenerateAndExportDataKey,
  ExportDataKey,
  AsymmetricEncrypt,
  AsymmetricDecrypt,
  AsymmetricSign,
  AsymmetricVerify,
  GetPublicKey,
  GenerateMac,
  VerifyMac,
  // BYOK
  GetParametersForImport,
  ImportKeyMaterial,
  DeleteKeyMaterial,
  // KMS instances and the account
  GetKmsInstance,
  ListKmsInstances,
  GetKmsInstanceQuotaInfos,
  GetDefaultKmsInstance,
  ConnectKmsInstance,
  UpdateKmsInstance,
  UpdateKmsInstanceBindVpc,
  ReleaseKmsInstance,
  OpenKmsService,
  DescribeAccountKmsStatus,
] as Action[];

/** BssOpenApi, as far as buying and managing KMS instances needs it. */
const BSS_ACTIONS: Action[] = [CreateInstance, ModifyInstance, RefundInstance, QueryAvailableInstances, SetRenewal] as Action[];

/** API version -> action name -> action. Other products (BssOpenApi) register their own version here. */
export const REGISTRY: ReadonlyMap<string, ReadonlyMap<string, Action>> = new Map([
  [KMS_VERSION, new Map(ACTIONS.map((a) => [a.name, authorized(a)]))],
  [BSS_VERSION, new Map(BSS_ACTIONS.map((a) => [a.name, a]))],
]);
