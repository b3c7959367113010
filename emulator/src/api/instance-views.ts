/** KMS instances as GetKmsInstance shows them. */
import { isoDate } from '../domain/clock';
import type { Kms } from '../domain/kms';
import type { Instance } from '../domain/model';

export function instanceView(i: Instance, kms: Kms) {
  return {
    InstanceId: i.instanceId,
    InstanceName: i.instanceName,
    Status: kms.instances.status(i),
    Spec: i.spec,
    KeyNum: i.keyNum,
    SecretNum: String(i.secretNum),
    VpcNum: i.vpcNum,
    Log: i.log ? 1 : 0,
    LogStorage: i.logStorage,
    ProductVersion: i.productVersion,
    ProductType: i.productType,
    ChargeType: i.chargeType,
    SaleStatus: 'Normal',
    CreateTime: isoDate(i.createdAt),
    StartDate: i.connection ? isoDate(i.connection.connectedAt) : '',
    EndDate: i.endsAt !== undefined ? isoDate(i.endsAt) : '',
    VpcId: i.connection?.vpcId ?? '',
    ZoneIds: i.connection ? [...i.connection.zoneIds] : [],
    VswitchIds: i.connection ? [...i.connection.vswitchIds] : [],
    BindVpcs: {
      BindVpc: i.bindVpcs.map((b) => ({ VpcId: b.vpcId, VSwitchId: b.vswitchId, RegionId: b.regionId, VpcOwnerId: b.vpcOwnerId })),
    },
    DeletionProtection: i.deletionProtection !== undefined,
    DeletionProtectionDescription: i.deletionProtection?.description ?? '',
    CaCertificateChainPem: '',
    // Emulator extensions (not in the cloud's model): what kind of instance this is and what backs its HSM.
    InstanceKind: i.kind,
    ...(i.kind === 'hardware' && { HsmMode: kms.hsm }),
  };
}
