import { Module } from '@nestjs/common';
import { KeysController } from './keys.controller.js';

/** Administration of the platform's API keys. */
@Module({ controllers: [KeysController] })
export class AdminModule {}
