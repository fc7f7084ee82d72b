# The DigitalOcean resources the platform runs on. State lives in a Spaces bucket (an
# S3-compatible backend), configured at init: terraform init -backend-config=backend.hcl
# (see backend.hcl.example and infra/README.md, "The cluster as code").
terraform {
  required_version = ">= 1.6.0"

  required_providers {
    digitalocean = {
      source  = "digitalocean/digitalocean"
      version = "~> 2.59"
    }
  }

  backend "s3" {}
}

# DIGITALOCEAN_TOKEN for the API; SPACES_ACCESS_KEY_ID and SPACES_SECRET_ACCESS_KEY for the
# backups bucket, all from the environment.
provider "digitalocean" {}
