/** DescribeRegions: the regions this emulator serves (configured; every one behaves the same). */
import { z } from 'zod';
import { defineAction } from '../action';

export const DescribeRegions = defineAction({
  name: 'DescribeRegions',
  input: z.object({}),
  handle(_i, { kms }) {
    return { Regions: { Region: kms.regions.map((RegionId) => ({ RegionId })) } };
  },
});
